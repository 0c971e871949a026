# Saves documents with a password through LibreOffice itself, so tests get real password-protected files:
#   encrypt-office.py <soffice> <profile-dir> <password> <input> <output> <filter> [<input> <output> <filter> ...]
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def main():
    soffice, profile, password = sys.argv[1:4]
    jobs = sys.argv[4:]
    pipe = 'pagetrail-encrypt-%d' % int(time.time() * 1000)
    proc = subprocess.Popen([soffice, '-env:UserInstallation=' + uno.systemPathToFileUrl(profile), '--headless', '--invisible',
                             '--norestore', '--nologo', '--nodefault', '--accept=pipe,name=%s;urp;' % pipe],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext('com.sun.star.bridge.UnoUrlResolver', local)
        deadline = time.monotonic() + 120
        while True:
            try:
                ctx = resolver.resolve('uno:pipe,name=%s;urp;StarOffice.ComponentContext' % pipe)
                break
            except NoConnectException:
                if time.monotonic() > deadline:
                    raise RuntimeError('soffice did not start within 120 s')
                time.sleep(0.1)
        desktop = ctx.ServiceManager.createInstanceWithContext('com.sun.star.frame.Desktop', ctx)
        for i in range(0, len(jobs), 3):
            src, dest, filt = jobs[i:i + 3]
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), '_blank', 0, (prop('Hidden', True),))
            doc.storeToURL(uno.systemPathToFileUrl(dest), (prop('FilterName', filt), prop('Password', password)))
            doc.close(True)
        try:
            desktop.terminate()
        except Exception:
            pass
    finally:
        try:
            proc.wait(timeout=10)
        except Exception:
            proc.kill()


if __name__ == '__main__':
    main()
