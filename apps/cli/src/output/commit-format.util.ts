/** Small pieces of git-like commit display shared by push, log and show. */
import type { ChangeStatus, GitIdentity } from '../control-api.type';

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

export function firstLine(message: string): string {
  return message.split('\n', 1)[0]?.trim() ?? '';
}

export function statusLetter(status: ChangeStatus): string {
  switch (status) {
    case 'added':
      return 'A';
    case 'modified':
      return 'M';
    case 'deleted':
      return 'D';
    default:
      return '?';
  }
}

/**
 * The author's wall-clock time, as git shows it. `timezoneOffset` follows isomorphic-git
 * (minutes, UTC+2 is -120), so local time is UTC minus the offset.
 */
export function formatIdentityDate(identity: Pick<GitIdentity, 'timestamp' | 'timezoneOffset'>, withSeconds: boolean): string {
  const local = new Date((identity.timestamp - identity.timezoneOffset * 60) * 1000);
  const pad = (value: number) => String(value).padStart(2, '0');
  const date = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
  if (!withSeconds) return `${date} ${time}`;
  const offset = Math.abs(identity.timezoneOffset);
  const zone = `${identity.timezoneOffset <= 0 ? '+' : '-'}${pad(Math.floor(offset / 60))}${pad(offset % 60)}`;
  return `${date} ${time}:${pad(local.getUTCSeconds())} ${zone}`;
}
