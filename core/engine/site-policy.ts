import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ChannelName } from '../contract/channels';
import { type SiteRole, siteRoles, type SiteAccessInfo } from '../contract/access-schemas';
import { EinthovenError } from '../errors';
import { fullyAbsolute, osFolder, refuseNotOneFolder } from './env-folder';

/**
 * Local roles, set by the site's IT in a machine-wide policy file: every account reads ECGs
 * (view, measure, correct, annotate, predict, sign readings); fine-tuning, hyper-parameter
 * search, evaluations and the folders datasets are read from need the trainer role; making a
 * model the default for every reader, and removing a record, need the admin role (admins may train too). Without a
 * policy file the workstation has one kind of user and every account has every role, as before.
 *
 * The file names operating-system accounts, because those are what the audit trail records
 * beside the reader's typed name. Its roles apply from the next request after IT changes it;
 * its data folder, from the next start (the database is opened once).
 */
const account = z.string().trim().min(1).max(256);

/** The policy's shape, its dataDir judged by the rules of `platform`, the system that reads it. */
export const sitePolicySchema = (platform: string = process.platform) =>
  z
    .object({
      /** Accounts that may fine-tune and evaluate models, and choose the folders datasets come from. */
      trainers: z.array(account).max(10_000).default([]),
      /** Accounts that may also make a model the default for every reader. */
      admins: z.array(account).max(10_000).default([]),
      /**
       * The workstation's one data folder, shared by every account (its records, readings, models
       * and audit trail), instead of each account's own: what makes a role mean something when
       * several readers log in to one machine. IT gives those accounts write access to it.
       */
      dataDir: z
        .string()
        .min(1)
        .max(4096)
        // Absolute on this machine's system: a Windows path (C:\\Einthoven, copied from a Windows
        // policy) on Linux or macOS is a relative name there, which path.resolve put under each
        // process's working folder, so every launch from another folder had its own database. On
        // Windows, \\Einthoven (no drive) was on whichever drive a process started from.
        .refine((dir) => fullyAbsolute(dir, platform), `an absolute path of this operating system (${platform === 'win32' ? 'a drive letter with its backslash, D:\\Einthoven, or \\\\server\\share' : 'starting with /'})`)
        .optional(),
      /**
       * Whether an account may open another folder than `dataDir` (--data-dir, EINTHOVEN_DATA_DIR).
       * Off unless IT says so: any account could otherwise point the app at a private folder and
       * keep its readings out of the one audit trail the site relies on (data-dir.ts).
       */
      allowDataDirOverride: z.boolean().default(false),
    })
    .strict();
export type SitePolicy = z.infer<ReturnType<typeof sitePolicySchema>>;

/** The role a channel needs beyond reading; channels not named here are every reader's. */
export const channelRoles: Partial<Record<ChannelName, Exclude<SiteRole, 'reader'>>> = {
  'train:start': 'trainer',
  'train:finetune': 'trainer',
  'train:hpo': 'trainer',
  'train:operating-point': 'trainer',
  'models:evaluate': 'trainer',
  'models:compare': 'trainer',
  'datasets:inspect': 'trainer',
  'datasets:from-readings': 'trainer',
  'folders:allow': 'trainer',
  'folders:forget': 'trainer',
  'models:promote': 'admin',
  'records:remove': 'admin',
};

/** A policy file is a short list of names; anything this large is not one. */
const maxPolicyBytes = 1024 * 1024;

/**
 * Where the machine's policy lives: a folder standard users cannot write on a managed
 * workstation. EINTHOVEN_POLICY_FILE is honoured only where no machine policy exists (a test,
 * an unmanaged machine): an account cannot set its own environment to escape a deployed policy.
 */
export function policyFileLocation(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  const machine = machinePolicyFile(env, platform);
  const own = env.EINTHOVEN_POLICY_FILE;
  if (existsSync(machine) || !own) return machine;
  // One file wherever a process starts: a relative one (policy.json, C:policy.json) governed the
  // app started in one folder by one policy and an ecg command run from another by none.
  refuseNotOneFolder('EINTHOVEN_POLICY_FILE', own, platform, policyWhat);
  return path.resolve(own);
}

/** What an environment variable that is no one folder would make differ (refuseNotOneFolder). */
const policyWhat = 'the site policy file';

/**
 * The machine-wide policy file. On Windows under %ProgramData% (C:\ProgramData where unset or
 * empty); a value on no drive or relative to a folder is refused (osFolder), where it made which
 * policy governs depend on the drive or folder a process started from.
 */
function machinePolicyFile(env: NodeJS.ProcessEnv, platform: string): string {
  if (platform === 'win32') return path.join(osFolder('ProgramData', env, platform, policyWhat) ?? 'C:\\ProgramData', 'Einthoven', 'policy.json');
  if (platform === 'darwin') return '/Library/Application Support/Einthoven/policy.json';
  return '/etc/einthoven/policy.json';
}

/** What an account may do here, and from which policy. */
export class SiteAccess {
  readonly #file: string;
  readonly #account: string;
  readonly #changed: PolicyChangeListener | undefined;
  #info: SiteAccessInfo;
  #stamp: string;

  private constructor(file: string, account: string, changed: PolicyChangeListener | undefined) {
    this.#file = file;
    this.#account = account;
    this.#changed = changed;
    this.#stamp = fileStamp(file);
    this.#info = accessFrom(file, account);
  }

  /**
   * Reads the policy at `file` for `osAccount`. A policy that exists but cannot be read or
   * parsed grants reading only: IT deployed it to restrict, and a typo must not open everything.
   * `changed` hears of every later change of the file, once it has been read again.
   */
  static load(file: string, osAccount: string, changed?: PolicyChangeListener): SiteAccess {
    return new SiteAccess(file, osAccount, changed);
  }

  /**
   * The roles now. The file is checked (its size, time and inode) at every use and read again
   * when it changed: a trainer role IT withdraws is withdrawn at the next request, not at the
   * next start of an app that may stay open for days.
   */
  get info(): SiteAccessInfo {
    const stamp = fileStamp(this.#file);
    if (stamp !== this.#stamp) {
      const before = this.#info;
      this.#stamp = stamp;
      this.#info = accessFrom(this.#file, this.#account);
      this.#changed?.(this.#info, before);
    }
    return this.#info;
  }

  /** Throws E_FORBIDDEN when the channel needs a role this account lacks. */
  check(channel: ChannelName): void {
    const needed = channelRoles[channel];
    if (needed !== undefined) this.require(needed, describe(channel));
  }

  /** Throws E_FORBIDDEN when this account lacks `needed` for `what` (words: "creating the signing key"). */
  require(needed: Exclude<SiteRole, 'reader'>, what: string): void {
    const info = this.info;
    if (info.roles.includes(needed)) return;
    const { policy, account: who } = info;
    const why = policy.state === 'invalid' ? `the site policy ${policy.file} could not be read (${policy.error ?? 'unknown error'}), so every account only reads` : `the site policy ${policy.file} does not give account '${who}' the ${needed} role`;
    throw new EinthovenError('E_FORBIDDEN', `${what} needs the ${needed} role: ${why}; ask the site's IT`);
  }
}

/** Told the roles after and before a change of the policy file. */
export type PolicyChangeListener = (now: SiteAccessInfo, before: SiteAccessInfo) => void;

function accessFrom(file: string, account: string): SiteAccessInfo {
  const read = readPolicyFile(file);
  if (read.state === 'none') return { account, roles: [...siteRoles], policy: { state: 'none', file } };
  if (read.state === 'invalid') return { account, roles: ['reader'], policy: { state: 'invalid', file, error: read.error } };
  return { account, roles: rolesOf(read.policy, account), policy: { state: 'loaded', file } };
}

/** What changes when the file is written, replaced or removed; 'absent' when there is none. */
function fileStamp(file: string): string {
  try {
    const stat = statSync(file);
    return `${stat.size}:${stat.mtimeMs}:${stat.ino}`;
  } catch {
    return 'absent';
  }
}

export type PolicyFile = { readonly state: 'none' } | { readonly state: 'loaded'; readonly policy: SitePolicy } | { readonly state: 'invalid'; readonly error: string };

/** The policy at `file`: absent, read, or present but not a policy (why), as `platform` reads it. */
export function readPolicyFile(file: string, platform: string = process.platform): PolicyFile {
  if (!existsSync(file)) return { state: 'none' };
  try {
    return { state: 'loaded', policy: readPolicy(file, platform) };
  } catch (error) {
    return { state: 'invalid', error: error instanceof Error ? error.message : String(error) };
  }
}

function readPolicy(file: string, platform: string): SitePolicy {
  const info = statSync(file);
  // A device or a pipe has size 0 to stat, so the size limit never applied: a policy path that was
  // a pipe hung the app and the engine at every role check, a device grew them without end.
  if (!info.isFile()) throw new Error('not a regular file (a folder, device, pipe or socket); nothing was read from it');
  if (info.size > maxPolicyBytes) throw new Error(`larger than ${maxPolicyBytes} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`not JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const parsed = sitePolicySchema(platform).safeParse(json);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; '));
  return parsed.data;
}

/**
 * Account names compare without case (Windows accounts are case-insensitive) and with or
 * without a domain: "CLINIC\\alice" in the policy matches the account "alice", which is what
 * the operating system reports for a domain user.
 */
function rolesOf(policy: SitePolicy, osAccount: string): SiteRole[] {
  const bare = (name: string) => {
    const user = name.split(/[\\/]/).pop() ?? name;
    return (user.split('@')[0] ?? user).toLowerCase();
  };
  const me = bare(osAccount);
  const listed = (names: readonly string[]) => names.some((name) => bare(name) === me);
  if (listed(policy.admins)) return ['reader', 'trainer', 'admin'];
  if (listed(policy.trainers)) return ['reader', 'trainer'];
  return ['reader'];
}

const channelWords: Partial<Record<ChannelName, string>> = {
  'train:start': 'training a model',
  'train:finetune': 'fine-tuning a model',
  'train:hpo': 'a hyper-parameter search',
  'train:operating-point': 'choosing a site operating point for a model',
  'models:evaluate': 'evaluating a model on a dataset',
  'models:compare': 'comparing models on a dataset',
  'datasets:inspect': 'inspecting a dataset',
  'datasets:from-readings': 'making a dataset of the signed readings',
  'folders:allow': 'allowing a dataset folder',
  'folders:forget': 'forgetting a dataset folder',
  'models:promote': 'making a model the default',
  'records:remove': 'removing a record',
};

const describe = (channel: ChannelName) => channelWords[channel] ?? channel;
