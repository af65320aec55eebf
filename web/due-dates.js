/**
 * How close each dossier of the worklist is to its appointment, and the worklist's order. Pure:
 * no DOM, so Node tests import it.
 */

/**
 * How close a dossier is to its appointment: 'overdue', 'today', 'tomorrow', 'later', 'none' or
 * 'closed'. `today` is the civil date in Vietnam; `dueDate` the appointment's civil date.
 */
export function dueClass({ dueDate, overdue, closed: isClosed, dueAt }, today, now) {
  if (isClosed) return 'closed';
  if (!dueDate) return 'none';
  if (overdue || dueDate < today || (dueAt && Date.parse(dueAt) < now)) return 'overdue';
  if (dueDate === today) return 'today';
  const tomorrow = new Date(`${today}T00:00:00Z`);
  tomorrow.setUTCDate(tomorrow.getUTCDate() + 1);
  if (dueDate === tomorrow.toISOString().slice(0, 10)) return 'tomorrow';
  return 'later';
}

export const dueTexts = {
  overdue: 'Quá hạn',
  today: 'Đến hạn hôm nay',
  tomorrow: 'Đến hạn ngày mai',
  later: 'Trong hạn',
  none: 'Chưa có hạn',
  closed: 'Đã kết thúc',
};

/** Dossiers with the earliest appointment first; those without one last. */
export function byDueDate(a, b) {
  const x = a.dueAt ? Date.parse(a.dueAt) : Number.POSITIVE_INFINITY;
  const y = b.dueAt ? Date.parse(b.dueAt) : Number.POSITIVE_INFINITY;
  return x - y || String(a.code).localeCompare(String(b.code));
}
