#!/bin/sh
# One-shot (temporalio/admin-tools): creates the namespace, sets its retention, and registers the
# dossier search attributes of contract/search-attributes.ts (a test keeps this list in step).
# Idempotent. The retention is how long a closed dossier's history stays (docs/operations.md,
# "Retention and erasure"): the evaluation and complaint windows, not longer than the shortest
# personal-data retention of the catalogue.
set -eu
ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
RETENTION="${TEMPORAL_RETENTION:-90d}"

echo "waiting for Temporal at ${ADDRESS} …"
until temporal operator cluster health --address "${ADDRESS}" >/dev/null 2>&1; do sleep 2; done

if temporal operator namespace describe --address "${ADDRESS}" --namespace "${NAMESPACE}" >/dev/null 2>&1; then
  temporal operator namespace update --address "${ADDRESS}" --namespace "${NAMESPACE}" --retention "${RETENTION}"
else
  temporal operator namespace create --address "${ADDRESS}" --namespace "${NAMESPACE}" --retention "${RETENTION}"
fi
echo "namespace ${NAMESPACE}: closed workflows kept ${RETENTION}"

existing="$(temporal operator search-attribute list --address "${ADDRESS}" --namespace "${NAMESPACE}" -o json)"
attribute() {
  if echo "${existing}" | grep -q "\"$1\""; then
    echo "search attribute $1 exists"
  else
    temporal operator search-attribute create --address "${ADDRESS}" --namespace "${NAMESPACE}" --name "$1" --type "$2"
  fi
}
attribute DossierReceivingUnit Keyword
attribute DossierCompetentAgency Keyword
attribute DossierProcedure Keyword
attribute DossierStatus Keyword
attribute DossierDueAt Datetime
attribute DossierOverdue Bool
attribute DossierChannel Keyword
echo "namespace ${NAMESPACE} is ready"
