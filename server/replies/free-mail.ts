// Free-mail providers (gmail.com, outlook.com, ...): two people there share a domain, not an employer. The list is
// the `freemail` package's data file (4,400+ provider domains), read once.
import fs from 'node:fs';
import { createRequire } from 'node:module';

let domains: Set<string> | null = null;

function load(): Set<string> {
  const file = createRequire(import.meta.url).resolve('freemail/data/free.txt');
  return new Set(
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .map((d) => d.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** True for a free-mail provider's domain or a subdomain of one (mail.yahoo.co.uk). */
export function isFreeMailDomain(domain: string): boolean {
  domains ??= load();
  const d = domain.toLowerCase().replace(/\.$/, '');
  const parts = d.split('.');
  for (let i = 0; i < parts.length - 1; i++) if (domains.has(parts.slice(i).join('.'))) return true;
  return false;
}

export const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1).toLowerCase();
