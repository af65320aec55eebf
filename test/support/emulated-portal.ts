/** The portal sync service's settings for the project's portal emulator (portal/portal-emulator.ts). */
import { defaultPortalAccount } from '../../portal/portal-emulator.js';
import type { PortalSyncSettings } from '../../portal/portal-sync-setup.js';

export function emulatedPortalSettings(url: string, timeoutMs = 1_000): PortalSyncSettings {
  return {
    url,
    authPath: '/api/login',
    servicePath: '/api/service',
    username: defaultPortalAccount.username,
    password: defaultPortalAccount.password,
    unitCode: defaultPortalAccount.madonvi,
    timeoutMs,
    publicUrl: 'http://127.0.0.1:3000',
  };
}
