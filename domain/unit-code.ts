import { z } from 'zod';

/**
 * National agency identifier, TT 10/2016/TT-BTTTT (QCVN 102:2016/BTTTT), kept by
 * QĐ 20/2020/QĐ-TTg (amended by QĐ 09/2025/QĐ-TTg): `V1V2V3.Z1Z2.Y1Y2.MX1X2`.
 * - `MX1X2`  level-1 code: one upper-case group letter + two digits. Seen in practice:
 *   G = ministries and government agencies (G01 Bộ Công an, G15 Bộ Tư pháp),
 *   H = provincial People's Committees (H49 Quảng Ninh, H57 Huế), K = provincial People's Councils.
 *   Any letter A–Z is accepted; the group list is not hard-coded.
 * - `Y1Y2`   level-2 unit (e.g. a Sở), `Z1Z2` level 3, `V1V2V3` level 4; zeros = level not used.
 *   E.g. '000.00.00.H49' = UBND tỉnh Quảng Ninh; '000.00.15.H57' = a level-2 unit of Huế.
 * Not accepted: portal-internal short codes such as 'H55.242', and DVCQG service codes that glue a
 * procedure code to an agency code ('2.000815.000.00.00.H55').
 */
export const UNIT_CODE = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/;

export const UNIT_CODE_RULE =
  'must be an agency code V1V2V3.Z1Z2.Y1Y2.MX1X2 (TT 10/2016/TT-BTTTT), e.g. 000.00.15.H57';

export const unitCodeSchema = z.string().regex(UNIT_CODE, UNIT_CODE_RULE);

export function isUnitCode(text: string): boolean {
  return UNIT_CODE.test(text);
}
