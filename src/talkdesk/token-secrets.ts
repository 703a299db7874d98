import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ConfigError } from '../common/config-error';
import { TokenSigner } from './token-codec';

/** The file in DATA_DIR holding the generated token secret of a bridge without TOKEN_SECRET. */
export const TOKEN_SECRET_FILE = 'token-secret';
const MIN_SECRET_LENGTH = 32;

/**
 * The signer of the bridge's tokens: TOKEN_SECRET (and TOKEN_SECRET_PREVIOUS during a rotation),
 * or, without one, a secret generated once and kept in DATA_DIR, so that a single process
 * started without settings still signs tokens that survive its restarts. Replicas must share
 * TOKEN_SECRET: each would otherwise refuse the others' tokens.
 */
export function tokenSignerFor(
  config: Pick<AppConfig, 'tokenSecret' | 'tokenSecretPrevious' | 'dataDir'>,
  logger: Pick<Logger, 'warn'> = new Logger('TokenSecrets'),
): TokenSigner {
  const previous = config.tokenSecretPrevious ? [config.tokenSecretPrevious] : [];
  if (config.tokenSecret) return new TokenSigner(config.tokenSecret, previous);
  const file = join(config.dataDir, TOKEN_SECRET_FILE);
  const secret = readOrCreateSecret(file);
  logger.warn(
    `TOKEN_SECRET is not set: tokens are signed with the secret kept in ${file}. Set TOKEN_SECRET when more than one replica serves Talkdesk.`,
  );
  return new TokenSigner(secret, previous);
}

function readOrCreateSecret(file: string): string {
  const existing = readSecret(file);
  if (existing !== undefined) return existing;
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(draft, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
    // A link is made whole or not at all: of two processes starting together on one
    // directory, one's secret wins and the other reads it.
    linkSync(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new ConfigError(
        `TOKEN_SECRET is not set and no secret could be kept in ${file} (${(error as Error).message}): set TOKEN_SECRET, or make DATA_DIR writable`,
      );
    }
  } finally {
    rmSync(draft, { force: true });
  }
  const created = readSecret(file);
  if (created === undefined) {
    throw new ConfigError(
      `${file} does not hold a token secret of at least ${MIN_SECRET_LENGTH} characters`,
    );
  }
  return created;
}

function readSecret(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`${file} cannot be read (${(error as Error).message}): set TOKEN_SECRET`);
  }
  const secret = text.trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      `${file} does not hold a token secret of at least ${MIN_SECRET_LENGTH} characters: delete it to generate a new one, or set TOKEN_SECRET`,
    );
  }
  return secret;
}
