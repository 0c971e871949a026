// Operator commands. `sender create --email E --password P` prints the new sender as JSON on the last line.
import { parseArgs } from 'node:util';
import { Accounts } from './accounts/senders.ts';
import { configOrExit, openStorage } from './boot.ts';
import { isAppError } from './errors.ts';

const USAGE = `Usage:
  npm run cli -- sender create --email EMAIL --password PASSWORD
  npm run cli -- sender token --email EMAIL      (prints a new API token)
  npm run cli -- sender tokens --email EMAIL     (lists the sender's API tokens: id, createdAt)
  npm run cli -- sender revoke-token --email EMAIL --id TOKEN_ID
  npm run cli -- sender mail-tracking --email EMAIL --off|--on   (off: attachments in mail stay attached)`;

async function main(argv: string[]): Promise<number> {
  const [noun, verb, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      id: { type: 'string' },
      on: { type: 'boolean' },
      off: { type: 'boolean' },
    },
    strict: true,
  });
  const config = configOrExit();
  const { database, blobs } = await openStorage(config);
  const accounts = new Accounts(database.db, { sessionTtlHours: config.SESSION_TTL_HOURS });
  try {
    if (noun === 'sender' && verb === 'create') {
      if (!values.email || !/^[^@\s]+@[^@\s]+$/.test(values.email)) return fail('--email must be an email address.');
      if (!values.password || values.password.length < 8) return fail('--password must be at least 8 characters.');
      const { sender, token } = await accounts.createSender(values.email, values.password);
      process.stdout.write(`${JSON.stringify({ ...sender, token })}\n`);
      return 0;
    }
    if (noun === 'sender' && verb === 'token') {
      const sender = values.email ? await accounts.senderByEmail(values.email) : null;
      if (!sender) return fail('No sender with that email.');
      process.stdout.write(`${JSON.stringify({ ...sender, token: await accounts.createToken(sender.id) })}\n`);
      return 0;
    }
    if (noun === 'sender' && verb === 'mail-tracking') {
      const sender = values.email ? await accounts.senderByEmail(values.email) : null;
      if (!sender) return fail('No sender with that email.');
      if (Boolean(values.on) === Boolean(values.off)) return fail('Pass exactly one of --on or --off.');
      await accounts.setMailTracking(sender.id, Boolean(values.on));
      process.stdout.write(`${JSON.stringify({ ...sender, mailTracking: Boolean(values.on) })}\n`);
      return 0;
    }
    if (noun === 'sender' && (verb === 'tokens' || verb === 'revoke-token')) {
      const sender = values.email ? await accounts.senderByEmail(values.email) : null;
      if (!sender) return fail('No sender with that email.');
      if (verb === 'tokens') {
        process.stdout.write(`${JSON.stringify({ ...sender, tokens: await accounts.listTokens(sender.id) })}\n`);
        return 0;
      }
      if (!values.id || !(await accounts.revokeToken(sender.id, values.id)))
        return fail('No such token for that sender.');
      process.stdout.write(`${JSON.stringify({ revoked: values.id })}\n`);
      return 0;
    }
    return fail(USAGE);
  } catch (err) {
    if (isAppError(err)) return fail(err.publicMessage);
    throw err;
  } finally {
    await blobs.close();
    await database.close();
  }
}

function fail(message: string): number {
  process.stderr.write(`${message}\n`);
  return 1;
}

process.exitCode = await main(process.argv.slice(2));
