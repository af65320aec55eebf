/**
 * Task queues. Dossier workflows and shared activities run on one queue; work that belongs to a
 * unit (digitizing and signing at the receiving unit, signing results and inter-agency steps at
 * the competent or participating agency) runs on that unit's queue, so each agency can run its
 * own workers.
 */
export const dossierTaskQueue = 'tthc-dossiers';

export function unitTaskQueue(unitCode: string): string {
  return `tthc-unit-${unitCode}`;
}
