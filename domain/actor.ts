/** Who acts on a dossier or a feedback: an official of a unit in a role, or the applicant. */
import { z } from 'zod';
import { textSchema } from './validation.js';

export const roles = [
  'counter-officer',
  'specialist',
  'leader',
  'applicant',
  'supervisor',
  'administrator',
] as const;
export type Role = (typeof roles)[number];

export const roleNames: Readonly<Record<Role, string>> = {
  'counter-officer': 'Cán bộ một cửa',
  specialist: 'Chuyên viên',
  leader: 'Lãnh đạo',
  supervisor: 'Cán bộ giám sát',
  administrator: 'Quản trị hệ thống',
  applicant: 'Người nộp hồ sơ',
};

export const actorSchema = z.strictObject({
  id: textSchema,
  name: textSchema,
  unit: textSchema,
  role: z.enum(roles, `must be one of ${roles.join(', ')}`),
});
export type Actor = z.infer<typeof actorSchema>;
