import type { IncomingMessage } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { type LoopbackServer, readBody, sendJson, startLoopbackServer } from './loopback-server.js';

export interface AwsSecretsManagerServerOptions {
  region: string;
  /** Access keys the server knows: id → secret key and the secret-id prefixes it may read. */
  keys: Record<string, { secretAccessKey: string; allow: string[] }>;
}

export interface AwsSecretsManagerServer extends LoopbackServer {
  /** Creates or updates a secret (a new version each time). */
  put(secretId: string, value: string | Uint8Array): void;
  /** Answers the next `count` requests with this error (`ThrottlingException` 400, `InternalServiceError` 500). */
  failNext(count: number, error: 'ThrottlingException' | 'InternalServiceError'): void;
  /** `GetSecretValue` requests whose signature checked out. */
  readonly gets: number;
  /** Requests refused for their signature. */
  readonly badSignatures: number;
}

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/**
 * A loopback AWS Secrets Manager speaking the AWS JSON 1.1 protocol
 * (`POST /`, `X-Amz-Target: secretsmanager.GetSecretValue`) that checks
 * every request's Signature Version 4 as AWS does: the access key must be
 * known, the credential scope must name this region and `secretsmanager`,
 * `x-amz-date` must be within 5 minutes, and the request re-signed with the
 * key's secret over the same signed headers and body must give the same
 * signature (else 403 `InvalidSignatureException`). Errors carry `__type`
 * as AWS's do, so the official SDK raises the same exception classes.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 * @see https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
 */
export async function startAwsSecretsManagerServer(
  options: AwsSecretsManagerServerOptions,
): Promise<AwsSecretsManagerServer> {
  const secrets = new Map<string, { value: string | Uint8Array; version: number }>();
  const faults: ('ThrottlingException' | 'InternalServiceError')[] = [];
  let gets = 0;
  let badSignatures = 0;
  const error = (type: string, message: string) => ({ __type: type, message });

  const verify = async (req: IncomingMessage, body: string): Promise<{ key: string } | { fail: [number, object] }> => {
    const m = AUTH.exec(String(req.headers.authorization ?? ''));
    if (!m) return { fail: [403, error('IncompleteSignatureException', 'Authorization header is not SigV4')] };
    const [, keyId = '', day = '', region, service, signedHeaders = '', signature] = m;
    const key = options.keys[keyId];
    if (!key)
      return {
        fail: [403, error('UnrecognizedClientException', 'The security token included in the request is invalid.')],
      };
    if (region !== options.region || service !== 'secretsmanager') {
      return {
        fail: [403, error('InvalidSignatureException', 'Credential should be scoped to a valid region and service.')],
      };
    }
    const amzDate = String(req.headers['x-amz-date'] ?? '');
    const when = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
    if (!amzDate.startsWith(day) || Number.isNaN(when) || Math.abs(Date.now() - when) > 5 * 60_000) {
      return { fail: [403, error('InvalidSignatureException', 'Signature expired or x-amz-date invalid.')] };
    }
    const names = signedHeaders.split(';');
    if (!names.includes('host') || !names.includes('x-amz-date')) {
      return { fail: [403, error('InvalidSignatureException', 'host and x-amz-date must be signed.')] };
    }
    const headers: Record<string, string> = {};
    for (const n of names) headers[n] = String(req.headers[n] ?? '');
    const url = new URL(req.url ?? '/', 'http://x');
    const signer = new SignatureV4({
      credentials: { accessKeyId: keyId, secretAccessKey: key.secretAccessKey },
      region: options.region,
      service: 'secretsmanager',
      sha256: Sha256,
    });
    const signed = await signer.sign(
      {
        method: req.method ?? 'POST',
        protocol: 'http:',
        hostname: headers.host?.split(':')[0] ?? '127.0.0.1',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers,
        body,
      },
      { signingDate: new Date(when), signableHeaders: new Set(names) },
    );
    const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? ''))?.[1];
    if (expected !== signature) {
      badSignatures++;
      return {
        fail: [
          403,
          error(
            'InvalidSignatureException',
            'The request signature we calculated does not match the signature you provided.',
          ),
        ],
      };
    }
    return { key: keyId };
  };

  const server = await startLoopbackServer(async (req, res) => {
    const body = await readBody(req);
    const reply = (status: number, payload: object) =>
      sendJson(res, status, payload, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'r' });
    if (req.method !== 'POST' || req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
      return reply(400, error('UnknownOperationException', 'unknown operation'));
    }
    const v = await verify(req, body);
    if ('fail' in v) return reply(...v.fail);
    const fault = faults.shift();
    if (fault === 'ThrottlingException') return reply(400, error(fault, 'Rate exceeded'));
    if (fault === 'InternalServiceError') return reply(500, error(fault, 'internal error'));
    gets++;
    let secretId: unknown;
    try {
      secretId = (JSON.parse(body) as { SecretId?: unknown }).SecretId;
    } catch {
      return reply(400, error('SerializationException', 'body is not JSON'));
    }
    if (typeof secretId !== 'string') return reply(400, error('InvalidParameterException', 'SecretId is required'));
    if (!options.keys[v.key]?.allow.some((p) => secretId.startsWith(p))) {
      return reply(
        400,
        error('AccessDeniedException', `User is not authorized to perform: secretsmanager:GetSecretValue`),
      );
    }
    const s = secrets.get(secretId);
    if (!s) return reply(400, error('ResourceNotFoundException', "Secrets Manager can't find the specified secret."));
    reply(200, {
      ARN: `arn:aws:secretsmanager:${options.region}:000000000000:secret:${secretId}-AbCdEf`,
      Name: secretId,
      VersionId: `v${s.version}`,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: Date.now() / 1000,
      ...(typeof s.value === 'string'
        ? { SecretString: s.value }
        : { SecretBinary: Buffer.from(s.value).toString('base64') }),
    });
  });

  return {
    ...server,
    put(secretId, value) {
      secrets.set(secretId, { value, version: (secrets.get(secretId)?.version ?? 0) + 1 });
    },
    failNext(count, err) {
      for (let i = 0; i < count; i++) faults.push(err);
    },
    get gets() {
      return gets;
    },
    get badSignatures() {
      return badSignatures;
    },
  };
}
