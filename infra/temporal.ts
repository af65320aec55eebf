/** Temporal server set-up shared by the test harness, the local stack and deployments. */
import type { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import protoPackage from '@temporalio/proto';
import { allSearchAttributeKeys, type DossierSearchAttributeKey } from '../contract/search-attributes.js';

const { IndexedValueType } = protoPackage.temporal.api.enums.v1;

const indexedTypes: Record<SearchAttributeType, number> = {
  TEXT: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** Registers the dossier search attributes in a namespace (idempotent: existing ones are skipped). */
export async function registerSearchAttributes(
  connection: Connection,
  namespace: string,
  keys: readonly DossierSearchAttributeKey[] = allSearchAttributeKeys,
): Promise<void> {
  const known = await registeredNames(connection, namespace);
  const missing = keys.filter((key) => !known.has(key.name));
  if (missing.length === 0) return;
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((key) => [key.name, indexedTypes[key.type]])),
  });
}

/** Names already registered; empty where the server cannot list them (the time-skipping test server). */
async function registeredNames(connection: Connection, namespace: string): Promise<Set<string>> {
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    return new Set(Object.keys(existing.customAttributes ?? {}));
  } catch (error) {
    if ((error as { code?: number }).code === grpcUnimplemented) return new Set();
    throw error;
  }
}

const grpcUnimplemented = 12;
