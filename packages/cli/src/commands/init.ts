import { access, mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { HELP_OPTION, usage } from '../args.js';
import { type CliIo, EXIT, UsageError } from '../io.js';

export const INIT_HELP = `Usage: credflow init [DIR] [options]

Writes a commented starter credflow.yaml (one client_credentials
credential, my_api, to point at your own identity provider) and one flow,
flows/hello.yaml, that calls an API with its token. DIR defaults to the
current directory. Never overwrites: exits 2 if either file exists.

Options:
  --json           print { "ok", "files" } on stdout
  -h, --help       show this help
`;

export const STARTER_CONFIG = `# credflow.yaml: credentials defined once, used by flows as << credential('my_api') >>
# and by apps as store.getToken('my_api'). Reference: credflow's docs/config.md.
#
# Secrets are never written here: a field such as clientSecret names a secret,
# read at run time from the providers below.
secrets:
  - type: env          # secret NAME is the environment variable SECRET_NAME,
    encoding: base64   # base64-encoded (as Kestra does); encode with printf, not echo
                       # (echo adds a newline that would become part of the secret):
                       #   export SECRET_MY_API_CLIENT_SECRET=$(printf %s 'the-secret' | base64)
  # - type: file       # or one file per secret, ./secrets/NAME (one trailing newline trimmed)
  #   dir: ./secrets

credentials:           # credentials of the default tenant, "main", seen by every flow
  my_api:
    type: client_credentials  # also: private_key_jwt, jwt_bearer, github_app, token_exchange
    tokenEndpoint: https://idp.example.com/oauth2/token  # your identity provider's token endpoint
    # issuer: https://idp.example.com  # instead of tokenEndpoint: discover it (RFC 8414, OpenID)
    clientId: my-client-id
    clientSecret: { secret: MY_API_CLIENT_SECRET }
    scopes: [api:read]   # a list, or a space-separated string
    # audience: https://api.example.com
    # clientAuthMethod: client_secret_post  # default: client_secret_basic
    # cache: { refreshBeforeExpiry: PT1M }  # tokens are cached in memory and refreshed early

# namespaces:          # credentials that only flows of a namespace (and its children) see
#   company.team:
#     credentials:
#       team_api: { ... }
`;

export const STARTER_FLOW = `# Calls an API with a live token of credential my_api (see credflow.yaml).
#   credflow validate flows/hello.yaml
#   credflow run flows/hello.yaml --input url=https://api.example.com/v1/me
id: hello
namespace: company.team
inputs:
  - id: url
    type: URI
    defaults: https://api.example.com/v1/me
tasks:
  - id: call
    type: io.kestra.plugin.core.http.Request
    uri: "<< inputs.url >>"
    method: GET
    auth:
      type: BEARER
      token: "<< credential('my_api') >>"   # minted at run time, masked in every log
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "status << outputs.call.code >>"
`;

/** `credflow init [DIR]`: a starter credflow.yaml and one flow; refuses to overwrite. */
export async function init(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = usage(() =>
    parseArgs({ args, options: { ...HELP_OPTION, json: { type: 'boolean' } }, allowPositionals: true, strict: true }),
  );
  if (values.help) {
    io.stdout(INIT_HELP);
    return EXIT.OK;
  }
  if (positionals.length > 1) throw new UsageError('init takes one directory');
  const dir = resolve(positionals[0] ?? '.');
  const files = [
    { path: join(dir, 'credflow.yaml'), text: STARTER_CONFIG },
    { path: join(dir, 'flows', 'hello.yaml'), text: STARTER_FLOW },
  ];
  const existing = (await Promise.all(files.map((f) => exists(f.path)))).flatMap((e, i) => (e ? [files[i]?.path] : []));
  if (existing.length)
    throw new UsageError(
      `${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''}: init never overwrites`,
    );
  await mkdir(join(dir, 'flows'), { recursive: true });
  const written: string[] = [];
  for (const f of files) {
    try {
      await writeFile(f.path, f.text, { flag: 'wx' }); // wx: never replaces a file, even one made meanwhile
      written.push(f.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      throw new UsageError(`${f.path} already exists: init never overwrites`);
    }
  }
  const shown = (p: string) => relative(process.cwd(), p) || p;
  if (values.json) {
    io.stdout(`${JSON.stringify({ ok: true, files: written })}\n`);
    return EXIT.OK;
  }
  const cd = relative(process.cwd(), dir);
  io.stdout(
    [
      `wrote ${written.map(shown).join(' and ')}`,
      '',
      'Next:',
      ...(cd ? [`  cd ${cd}`] : []),
      '  1. point credential my_api at your identity provider (tokenEndpoint, clientId, scopes) in credflow.yaml',
      "  2. export SECRET_MY_API_CLIENT_SECRET=$(printf %s 'the-client-secret' | base64)",
      '  3. credflow credentials test my_api',
      '  4. credflow run flows/hello.yaml --input url=https://your-api.example.com/...',
      '',
    ].join('\n'),
  );
  return EXIT.OK;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
