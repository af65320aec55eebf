/** Steps several tests take a dossier through with the client, as officials would. */
import type { DossierClient } from '../../client/dossier-client.js';
import type { Actor } from '../../domain/actor.js';

/** An accepted dossier assigned by the leader, appraised for approval by the specialist, and approved. */
export async function approveDossier(
  client: DossierClient,
  code: string,
  { leader, specialist }: { leader: Actor; specialist: Actor },
): Promise<void> {
  await client.act(code, {
    name: 'assign',
    actor: leader,
    payload: { specialist: { id: specialist.id, name: specialist.name } },
  });
  await client.act(code, {
    name: 'appraise',
    actor: specialist,
    payload: { recommendation: 'approve', note: 'Đủ điều kiện' },
  });
  await client.act(code, { name: 'approve', actor: leader, payload: {} });
}
