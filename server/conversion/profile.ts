// Hardened LibreOffice user profiles and the environment soffice runs with, shared by both adapters:
// uploads are untrusted, so nothing they link to is fetched and nothing they carry is executed.
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

type Value = boolean | number | string;

/** [configuration path, property, value]; key names checked against LibreOffice 7.4's registry schema (main.xcd). */
const SETTINGS: ReadonlyArray<readonly [string, string, Value]> = [
  // Macros: highest security level and execution disabled outright (covers Basic, Python and document events).
  ['org.openoffice.Office.Common/Security/Scripting', 'MacroSecurityLevel', 3],
  ['org.openoffice.Office.Common/Security/Scripting', 'DisableMacrosExecution', true],
  // Linked images, media and similar external references are not resolved for untrusted referers;
  // the bridge loads every document with an untrusted referer.
  ['org.openoffice.Office.Common/Security/Scripting', 'BlockUntrustedRefererLinks', true],
  // Links (sections, OLE, DDE) never update: Writer 0 = never; Calc 1 = never (its own enum).
  ['org.openoffice.Office.Writer/Content/Update', 'Link', 0],
  ['org.openoffice.Office.Writer/Content/Update', 'Field', false],
  ['org.openoffice.Office.Calc/Content/Update', 'Link', 1],
  // Anything that still tries HTTP goes to a proxy on the discard port, where nothing answers.
  ['org.openoffice.Inet/Settings', 'ooInetProxyType', 1],
  ['org.openoffice.Inet/Settings', 'ooInetHTTPProxyName', '127.0.0.1'],
  ['org.openoffice.Inet/Settings', 'ooInetHTTPProxyPort', 9],
  ['org.openoffice.Inet/Settings', 'ooInetHTTPSProxyName', '127.0.0.1'],
  ['org.openoffice.Inet/Settings', 'ooInetHTTPSProxyPort', 9],
  ['org.openoffice.Inet/Settings', 'ooInetNoProxy', ''],
  // A server has no use for recovery data, backups or update checks; they only cost time and disk.
  ['org.openoffice.Office.Recovery/AutoSave', 'Enabled', false],
  ['org.openoffice.Office.Recovery/RecoveryInfo', 'Enabled', false],
  ['org.openoffice.Office.Common/Save/Document', 'CreateBackup', false],
  ['org.openoffice.Office.Common/Misc', 'UseLocking', false],
  [
    "org.openoffice.Office.Jobs/Jobs/org.openoffice.Office.Jobs:Job['UpdateCheck']/Arguments",
    'AutoCheckEnabled',
    false,
  ],
];

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function registryModifications(): string {
  const items = SETTINGS.map(([p, name, value]) => {
    const type = typeof value === 'boolean' ? 'xs:boolean' : typeof value === 'number' ? 'xs:int' : 'xs:string';
    return `<item oor:path="/${xmlEscape(p)}"><prop oor:name="${name}" oor:op="fuse" oor:type="${type}"><value>${xmlEscape(String(value))}</value></prop></item>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
    ...items,
    '</oor:items>',
    '',
  ].join('\n');
}

/** Creates a fresh profile under dir and returns the file URL for -env:UserInstallation. */
export async function seedProfile(dir: string): Promise<string> {
  await fs.mkdir(path.join(dir, 'user'), { recursive: true, mode: 0o700 });
  await fs.writeFile(path.join(dir, 'user', 'registrymodifications.xcu'), registryModifications());
  return pathToFileURL(dir).href;
}

/**
 * The only variables soffice (and the bridge) see: enough to run, nothing of the service's own secrets,
 * proxies or credentials. HOME points into the profile so nothing is read from or written to the real home.
 */
export function officeEnv(home: string, tmpDir: string): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    TMPDIR: tmpDir,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    SAL_USE_VCLPLUGIN: 'svp',
  };
}
