/**
 * The few types of `oidc-provider` 8 that identity/embedded-provider.ts uses (the package ships
 * none; its configuration is documented in its README and lib/helpers/defaults.js).
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  type AnyObject = Record<string, unknown>;

  export interface KoaContext {
    type: string;
    body: unknown;
    response: { type: string };
    set(field: string, value: string): void;
    oidc: AnyObject;
  }

  export interface ClientMetadata extends AnyObject {
    client_id: string;
  }

  export interface Client {
    clientId: string;
    clientName?: string;
  }

  export interface InteractionDetails {
    uid: string;
    params: AnyObject;
    prompt: { name: string; reasons: string[]; details: AnyObject };
    session?: { accountId?: string };
    grantId?: string;
  }

  export interface Grant {
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(indicator: string, scope: string): void;
    save(): Promise<string>;
  }

  export interface Configuration extends AnyObject {
    clients?: ClientMetadata[];
    findAccount?: (
      ctx: KoaContext,
      sub: string,
      token?: unknown,
    ) => Promise<{ accountId: string; claims: (...args: unknown[]) => Promise<AnyObject> } | undefined>;
    extraTokenClaims?: (ctx: KoaContext, token: unknown) => Promise<AnyObject | undefined>;
    interactions?: { url: (ctx: KoaContext, interaction: { uid: string }) => Promise<string> };
    renderError?: (ctx: KoaContext, out: AnyObject, error: Error) => Promise<void>;
    features?: {
      deviceFlow?: AnyObject & {
        userCodeInputSource?: (ctx: KoaContext, form: string, out: AnyObject, err?: Error) => Promise<void>;
        userCodeConfirmSource?: (
          ctx: KoaContext,
          form: string,
          client: Client,
          deviceInfo: AnyObject,
          userCode: string,
        ) => Promise<void>;
        successSource?: (ctx: KoaContext) => Promise<void>;
      };
      resourceIndicators?: AnyObject & {
        getResourceServerInfo?: (ctx: KoaContext, indicator: string, client: Client) => Promise<AnyObject>;
      };
      [feature: string]: AnyObject | undefined;
    };
  }

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    proxy: boolean;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): void;
    on(event: string, listener: (...args: unknown[]) => void): void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: AnyObject,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    Client: { find(id: string): Promise<Client | undefined> };
    Grant: { new (properties: AnyObject): Grant; find(id: string): Promise<Grant | undefined> };
    AccessToken: new (
      properties: AnyObject,
    ) => { save(): Promise<string> };
    ResourceServer: new (
      identifier: string,
      info: AnyObject,
    ) => unknown;
  }

  export const errors: { InvalidTarget: new (description?: string) => Error } & AnyObject;
}
