# Test driver: opens one document in a fresh soffice the way a desktop user would (a visible frame, so
# document events such as "Open Document" fire), with a chosen MacroExecutionMode, and exports it to PDF.
# Used by the macro control and its hardened pair; the production bridge loads hidden, where no event fires.
# Usage: uno-open.py SOFFICE PROFILE_URL PIPE INPUT OUTPUT MACRO_EXECUTION_MODE
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
    soffice, profile_url, pipe, source, target, mode = sys.argv[1:7]
    url = 'uno:pipe,name=%s;urp;StarOffice.ComponentContext' % pipe
    proc = subprocess.Popen([soffice, '-env:UserInstallation=' + profile_url, '--headless', '--nocrashreport',
                             '--nodefault', '--nologo', '--norestore', '--nolockcheck', '--accept=%s' % url.replace('uno:', '', 1)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext('com.sun.star.bridge.UnoUrlResolver', local)
        deadline = time.monotonic() + 60
        while True:
            try:
                ctx = resolver.resolve(url)
                break
            except NoConnectException:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError('soffice did not accept a UNO connection')
                time.sleep(0.05)
        desktop = ctx.ServiceManager.createInstanceWithContext('com.sun.star.frame.Desktop', ctx)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), '_blank', 0,
                                           (prop('MacroExecutionMode', int(mode)),))
        doc.storeToURL(uno.systemPathToFileUrl(target), (prop('FilterName', 'writer_pdf_Export'),))
        doc.close(True)
        try:
            desktop.terminate()
        except Exception:
            pass  # the bridge may drop while soffice quits
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return 0


if __name__ == '__main__':
    sys.exit(main())
