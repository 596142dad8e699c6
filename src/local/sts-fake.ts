// Local mode's STS: a small fake of AssumeRole (the AWS Query protocol, as the real
// @aws-sdk/client-sts speaks it) on 127.0.0.1, so the tenant-bucket path runs the same code
// as in AWS. A role is assumable only with the external id it was registered with (as a
// trust policy with an sts:ExternalId condition); anything else is AccessDenied (403).
// The credentials it returns work on the embedded S3 server (which accepts any key pair),
// so in local mode a role grants the whole server, not just its bucket: the fake models
// the refusal at AssumeRole only.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';

export interface LocalStsRole {
  roleArn: string;
  externalId: string;
}

export interface LocalSts {
  endpoint: string;
  /** Make a role assumable (with its external id), as a tenant's trust policy would. */
  allow(role: LocalStsRole): void;
  /** Every AssumeRole asked, for tests. */
  calls: { roleArn: string; externalId?: string; allowed: boolean }[];
  stop(): Promise<void>;
}

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const xmlEscape = (s: string): string => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

const errorXml = (code: string, message: string): string =>
  `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${randomBytes(8).toString('hex')}</RequestId></ErrorResponse>`;

const assumedXml = (roleArn: string, session: string, seconds: number, credentials: { accessKeyId: string; secretAccessKey: string }): string => {
  const name = roleArn.split('/').at(-1) ?? 'role';
  const account = roleArn.split(':')[4] ?? '000000000000';
  return `<AssumeRoleResponse xmlns="${NS}"><AssumeRoleResult><Credentials><AccessKeyId>${credentials.accessKeyId}</AccessKeyId><SecretAccessKey>${credentials.secretAccessKey}</SecretAccessKey><SessionToken>${randomBytes(24).toString('base64')}</SessionToken><Expiration>${new Date(Date.now() + seconds * 1000).toISOString()}</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA${randomBytes(8).toString('hex').toUpperCase()}:${xmlEscape(session)}</AssumedRoleId><Arn>arn:aws:sts::${account}:assumed-role/${xmlEscape(name)}/${xmlEscape(session)}</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>${randomBytes(8).toString('hex')}</RequestId></ResponseMetadata></AssumeRoleResponse>`;
};

/** `s3Credentials`: what the embedded S3 server is signed with (any pair works there). */
export const startLocalSts = async (s3Credentials: { accessKeyId: string; secretAccessKey: string }): Promise<LocalSts> => {
  const roles = new Map<string, string>();
  const calls: LocalSts['calls'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d.length + body.length > 65536 ? '' : d));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const send = (status: number, xml: string) => res.writeHead(status, { 'content-type': 'text/xml' }).end(xml);
      if (req.method !== 'POST' || form.get('Action') !== 'AssumeRole') return send(400, errorXml('InvalidAction', `only AssumeRole is served here, not ${form.get('Action') ?? '(none)'}`));
      const roleArn = form.get('RoleArn') ?? '';
      const externalId = form.get('ExternalId') ?? undefined;
      const allowed = roles.has(roleArn) && roles.get(roleArn) === externalId;
      calls.push({ roleArn, ...(externalId !== undefined ? { externalId } : {}), allowed });
      if (!allowed) return send(403, errorXml('AccessDenied', `User: arn:aws:iam::000000000000:user/switchyard-local is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`));
      const seconds = Number(form.get('DurationSeconds') ?? 3600);
      send(200, assumedXml(roleArn, form.get('RoleSessionName') ?? 'session', seconds, s3Credentials));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    allow: (role) => void roles.set(role.roleArn, role.externalId),
    calls,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
