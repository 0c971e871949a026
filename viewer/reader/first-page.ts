// Page 1 as an image (made by the server once the document is ready), painted where pdf.js will draw the page as
// soon as the visit has its file token, and removed once pdf.js has rendered page 1 itself (main.ts). Fetched like the PDF:
// with the file token in a header, never cached; a missing image or a refusal leaves the reader waiting as before.

/** As in file-transport.ts (not imported from there: that module brings pdf.js, which this bundle leaves out). */
const FILE_TOKEN_HEADER = 'X-Pagetrail-File';

/** pdf.js's 'auto' zoom (PDFViewer): the full width for a portrait page up to 125 %, a landscape page whole. */
const MAX_AUTO_SCALE = 1.25;
/** CSS pixels of a Letter/A4-wide page at scale 1 (612 pt at 96/72); the image does not carry the page size. */
const PORTRAIT_WIDTH = 816;
const H_PADDING = 40;
const V_PADDING = 5;

export interface FirstPagePreview {
  /** Resolves once the image is on screen (false when there is none to show). */
  shown: Promise<boolean>;
  remove(): void;
}

export function showFirstPage(container: HTMLElement, url: string, fileToken: string): FirstPagePreview {
  let removed = false;
  let img: HTMLImageElement | null = null;
  let objectUrl: string | null = null;
  const remove = () => {
    removed = true;
    img?.remove();
    if (objectUrl) URL.revokeObjectURL(objectUrl);
  };

  const shown = (async () => {
    const res = await fetch(url, {
      headers: { [FILE_TOKEN_HEADER]: fileToken },
      cache: 'no-store',
      credentials: 'same-origin',
    });
    // 204: no image made for this document (yet).
    if (res.status !== 200 || removed) return false;
    objectUrl = URL.createObjectURL(await res.blob());
    const image = new Image();
    image.src = objectUrl;
    await image.decode();
    if (removed) return false;
    image.className = 'first-page';
    image.alt = '';
    image.style.width = `${Math.round(displayWidth(container, image.naturalWidth / image.naturalHeight))}px`;
    container.prepend(image);
    img = image;
    return true;
  })().catch(() => false);
  return { shown, remove };
}

function displayWidth(container: HTMLElement, aspect: number): number {
  const byWidth = container.clientWidth - H_PADDING;
  if (aspect <= 1) return Math.min(byWidth, PORTRAIT_WIDTH * MAX_AUTO_SCALE);
  return Math.min(byWidth, (container.clientHeight - V_PADDING) * aspect);
}
