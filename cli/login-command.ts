/**
 * `tthc login [--api URL] [--json]`: signs the official in with the device-authorization flow of
 * the identity provider the API names (GET /auth/config): prints the address and the code to
 * enter in a browser, waits, then stores the access token (cli/token-store.ts, mode 0600) and
 * tells the API (POST /auth/cli-sign-in: the security log). `tthc logout` forgets it.
 */
import type { Command } from 'commander';
import * as oidcClient from 'openid-client';
import { roleNames } from '../domain/actor.js';
import { run } from './dossier/dossier-command-support.js';
import { ApiError, apiExitCodes, apiRequest, checkApiUrl, DEFAULT_API_URL } from './http.js';
import { print } from './output.js';
import { removeStoredToken, tokenFile, writeStoredToken } from './token-store.js';

interface LoginOptions {
  api?: string;
  json?: boolean;
}

interface AuthConfig {
  issuer: string;
  cliClientId: string;
  scopes: string;
  deviceAuthorizationEndpoint?: string;
}

export function registerLoginCommands(program: Command): void {
  program
    .command('login')
    .description('signs in with the identity provider (device flow) and stores the access token (mode 0600)')
    .option('--api <url>', `API base URL (default: TTHC_API_URL or ${DEFAULT_API_URL})`)
    .option('--json', 'print JSON for scripts instead of text for people')
    .action(
      run(async (options: LoginOptions) => {
        const api =
          options.api !== undefined
            ? checkApiUrl(options.api)
            : checkApiUrl(process.env.TTHC_API_URL || DEFAULT_API_URL, 'TTHC_API_URL');
        const { body: config } = await apiRequest<AuthConfig>({ api }, 'GET', '/auth/config');
        if (!config.deviceAuthorizationEndpoint) {
          throw new ApiError(
            `the identity provider ${config.issuer} offers no device sign-in; use TTHC_TOKEN with a token from it`,
            apiExitCodes.failure,
          );
        }
        const insecure = config.issuer.startsWith('http:');
        let client: oidcClient.Configuration;
        try {
          client = await oidcClient.discovery(
            new URL(config.issuer),
            config.cliClientId,
            undefined,
            oidcClient.None(),
            insecure ? { execute: [oidcClient.allowInsecureRequests] } : undefined,
          );
        } catch (error) {
          throw new ApiError(
            `không kết nối được nhà cung cấp định danh ${config.issuer} (the identity provider cannot be reached: ${(error as Error).message})`,
            apiExitCodes.failure,
          );
        }
        const device = await oidcClient.initiateDeviceAuthorization(client, { scope: config.scopes });
        const minutes = Math.round(device.expires_in / 60);
        process.stderr.write(
          `Mở trang sau trong trình duyệt và đăng nhập bằng tài khoản cán bộ:\n  ${device.verification_uri_complete ?? device.verification_uri}\n` +
            `Mã thiết bị: ${device.user_code} (hết hạn sau ${minutes} phút). Đang chờ đăng nhập…\n`,
        );
        let tokens: Awaited<ReturnType<typeof oidcClient.pollDeviceAuthorizationGrant>>;
        try {
          tokens = await oidcClient.pollDeviceAuthorizationGrant(client, device);
        } catch (error) {
          throw new ApiError(
            `đăng nhập không thành công (sign-in failed: ${(error as Error).message})`,
            apiExitCodes.forbidden,
          );
        }
        const { body } = await apiRequest<{
          official: { id: string; name: string; unit: string; role: string };
          expiresAt: string;
        }>({ api, token: tokens.access_token }, 'POST', '/auth/cli-sign-in', { body: {} });
        const file = tokenFile();
        writeStoredToken({
          api,
          issuer: config.issuer,
          accessToken: tokens.access_token,
          expiresAt: body.expiresAt,
          official: body.official,
        });
        print(options, { official: body.official, expiresAt: body.expiresAt, file }, () => {
          const role = roleNames[body.official.role as keyof typeof roleNames] ?? body.official.role;
          return `Đã đăng nhập: ${body.official.name} (${role}, ${body.official.unit}); mã truy cập lưu tại ${file} (chỉ người dùng này đọc được), hết hạn lúc ${new Date(body.expiresAt).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' })}`;
        });
      }),
    );

  program
    .command('logout')
    .description('forgets the access token `tthc login` stored')
    .action(() => {
      const file = tokenFile();
      const removed = removeStoredToken(file);
      process.stdout.write(
        removed ? `Đã đăng xuất: đã xóa ${file}\n` : `Chưa đăng nhập (không có ${file})\n`,
      );
    });
}
