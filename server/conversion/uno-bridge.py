# Long-lived bridge between one pooled soffice and Node: starts soffice in this process group, then turns
# JSON-line requests on stdin into UNO load/export/close calls, so no interpreter starts per job.
# Request:  {"id": 1, "input": "/abs/in.docx", "output": "/abs/out.pdf"}   or   {"id": 2, "ping": true}
# Reply:    {"id": 1, "ok": true, "filter": "writer_pdf_Export"}           or   {"id": 1, "ok": false, "error": "..."}
import json
import os
import signal
import subprocess
import sys
import threading
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

EXPORT_FILTERS = (
    ('com.sun.star.presentation.PresentationDocument', 'impress_pdf_Export'),
    ('com.sun.star.drawing.DrawingDocument', 'draw_pdf_Export'),
    ('com.sun.star.sheet.SpreadsheetDocument', 'calc_pdf_Export'),
    ('com.sun.star.text.WebDocument', 'writer_web_pdf_Export'),
    ('com.sun.star.text.TextDocument', 'writer_pdf_Export'),
)


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def send(msg):
    sys.stdout.write(json.dumps(msg) + '\n')
    sys.stdout.flush()


def start_office(soffice, profile_url, pipe, startup_timeout):
    args = [
        soffice, '-env:UserInstallation=' + profile_url, '--headless', '--invisible', '--nocrashreport',
        '--nodefault', '--nologo', '--nofirststartwizard', '--norestore', '--nolockcheck',
        '--accept=pipe,name=%s;urp;StarOffice.ComponentContext' % pipe,
    ]
    # Same process group as this bridge (Node spawned us detached), so one kill(-pgid) ends everything.
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext('com.sun.star.bridge.UnoUrlResolver', local)
    deadline = time.monotonic() + startup_timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError('soffice exited during start-up with code %s' % proc.returncode)
        try:
            ctx = resolver.resolve('uno:pipe,name=%s;urp;StarOffice.ComponentContext' % pipe)
            break
        except NoConnectException:
            if time.monotonic() > deadline:
                raise RuntimeError('soffice did not accept a UNO connection in time')
            time.sleep(0.05)
    desktop = ctx.ServiceManager.createInstanceWithContext('com.sun.star.frame.Desktop', ctx)
    return proc, desktop


def export_filter(doc):
    for service, name in EXPORT_FILTERS:
        if doc.supportsService(service):
            return name
    raise RuntimeError('unsupported document type')


def convert(desktop, req):
    # No Referer property: LibreOffice then uses the document's own file URL, which is not a trusted location,
    # so BlockUntrustedRefererLinks in the profile stops linked content. (An untrusted web referer would make
    # LibreOffice refuse to load the local file itself.)
    load_props = (
        prop('Hidden', True),
        prop('ReadOnly', True),
        prop('MacroExecutionMode', 0),  # css.document.MacroExecMode.NEVER_EXECUTE
        prop('UpdateDocMode', 0),  # css.document.UpdateDocMode.NO_UPDATE: links are never refreshed
    )
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(req['input']), '_blank', 0, load_props)
    if doc is None:
        raise RuntimeError('the document could not be loaded')
    try:
        name = export_filter(doc)
        doc.storeToURL(uno.systemPathToFileUrl(req['output']), (prop('FilterName', name),))
        return name
    finally:
        try:
            doc.close(True)
        except Exception:
            doc.dispose()


def die_with_owner():
    # fd 3 is a pipe whose only writer is the Node process that started us. Reading it returns end-of-file the
    # moment that process is gone, however it died (SIGKILL included), at any stage: before soffice starts,
    # while it starts, idle or mid-job. Then this whole process group (bridge, oosplash, soffice.bin) goes.
    def watch():
        try:
            while os.read(3, 4096):
                pass
        except OSError:
            pass
        os.killpg(0, signal.SIGKILL)
    threading.Thread(target=watch, daemon=True).start()


def main():
    die_with_owner()
    soffice, profile_url, pipe, startup_timeout = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    try:
        proc, desktop = start_office(soffice, profile_url, pipe, startup_timeout)
    except Exception as err:
        send({'ready': False, 'error': str(err)})
        return 1
    send({'ready': True})

    # soffice dying while idle must end this bridge too, so the supervisor sees the crash before the next job.
    def watch():
        proc.wait()
        os._exit(3)
    threading.Thread(target=watch, daemon=True).start()

    try:
        for line in sys.stdin:
            req = json.loads(line)
            try:
                if req.get('ping'):
                    desktop.getComponents()  # raises once soffice is gone
                    send({'id': req['id'], 'ok': True})
                else:
                    send({'id': req['id'], 'ok': True, 'filter': convert(desktop, req)})
            except Exception as err:
                send({'id': req['id'], 'ok': False, 'error': '%s: %s' % (type(err).__name__, err)})
                if proc.poll() is not None:
                    return 2
    finally:
        # stdin closed (graceful stop or Node gone): ask soffice to quit, then make sure it did.
        try:
            desktop.terminate()
        except Exception:
            pass
        try:
            proc.wait(timeout=5)
        except Exception:
            proc.kill()
    return 0


if __name__ == '__main__':
    sys.exit(main())
