import type { SiteRole } from '../../../../core/contract/access-schemas';
import type { AppInfo } from '../../../../core/contract/schemas';

/**
 * Why this account may not do something the site policy reserves for a role, in words for the
 * control that would do it; null when it may. The engine refuses it anyway (E_FORBIDDEN): this
 * only says so before the reader fills a form for nothing. Before the app's info arrives nothing
 * is said: the engine still decides.
 */
export function roleMissing(info: AppInfo | null, role: SiteRole, doing: string): string | null {
  if (!info || info.access.roles.includes(role)) return null;
  const { account, policy } = info.access;
  if (policy.state === 'invalid') return `${doing} needs the ${role} role, and the site policy ${policy.file} could not be read, so every account only reads; ask the site's IT`;
  return `${doing} needs the ${role} role: the site policy ${policy.file} does not give account '${account}' it; ask the site's IT`;
}

/** The header's line: whose roles these are, once a site policy decides them (none: every account has every role). */
export function accessBadge(info: AppInfo | null): { text: string; title: string; invalid: boolean } | null {
  if (!info || info.access.policy.state === 'none') return null;
  const { account, roles, policy } = info.access;
  if (policy.state === 'invalid') return { text: `${account} · reading only`, title: `The site policy ${policy.file} could not be read (${policy.error ?? 'unknown error'}): every account only reads until IT corrects it`, invalid: true };
  const highest = roles.includes('admin') ? 'admin' : roles.includes('trainer') ? 'trainer' : 'reader';
  return { text: `${account} · ${highest}`, title: `Roles of account '${account}' from the site policy ${policy.file}: ${roles.join(', ')}`, invalid: false };
}
