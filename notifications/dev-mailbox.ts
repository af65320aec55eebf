/**
 * `npm start` only: a page where officials see what the applicants were sent in development, the
 * e-mails the embedded receiver took and the SMS the gateway emulator took (newest first), and the
 * same as JSON (`/messages.json`). It serves the outside systems' own mailboxes, in memory; in a
 * deployment the messages go to the real gateway and mail server and this page does not exist.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MailReceiver } from './mail-receiver.js';
import type { SmsGatewayEmulator } from './sms-gateway-emulator.js';

export interface DevMailbox {
  url: string;
  stop(): Promise<void>;
}

const html = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

export async function startDevMailbox(options: {
  mail?: MailReceiver;
  sms?: SmsGatewayEmulator;
  port?: number;
  host?: string;
}): Promise<DevMailbox> {
  const snapshot = () => ({
    emails: options.mail?.messages().reverse() ?? [],
    sms: options.sms?.messages().reverse() ?? [],
  });
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET') {
      response.writeHead(405).end();
      return;
    }
    if (path === '/messages.json') {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(snapshot()));
      return;
    }
    if (path !== '/') {
      response.writeHead(404).end();
      return;
    }
    const { emails, sms } = snapshot();
    const rows = [
      ...emails.map(
        (m) =>
          `<tr><td>${html(m.receivedAt)}</td><td>Thư điện tử</td><td>${html(m.to.join(', '))}</td><td><b>${html(m.subject)}</b><br>${html(m.text)}<br><small>${html(m.messageId)}${m.deliveries > 1 ? ` — nhận ${m.deliveries} lần` : ''}</small></td></tr>`,
      ),
      ...sms.map(
        (m) =>
          `<tr><td>${html(m.at)}</td><td>SMS (${html(m.sender)})</td><td>${html(m.to)}</td><td>${html(m.text)}</td></tr>`,
      ),
    ];
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(
      `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Hộp thư thử nghiệm</title>` +
        `<style>body{font-family:sans-serif;margin:1rem}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3rem;vertical-align:top;text-align:left}</style></head>` +
        `<body><h1>Thông báo đã gửi cho người nộp hồ sơ (môi trường phát triển)</h1>` +
        `<p>${emails.length} thư điện tử, ${sms.length} tin nhắn SMS. Tải lại trang để xem thông báo mới.</p>` +
        `<table><tr><th>Lúc</th><th>Kênh</th><th>Người nhận</th><th>Nội dung</th></tr>${rows.join('')}</table></body></html>`,
    );
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
