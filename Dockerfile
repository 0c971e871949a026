# Pagetrail: Node 24 on Debian with LibreOffice (UNO pool), metric-compatible fonts, qpdf and poppler.

# Build the browser bundles with the dev toolchain.
FROM node:24-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY viewer ./viewer
COPY server ./server
RUN node viewer/build.ts

FROM node:24-bookworm-slim
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      tini libreoffice-writer-nogui libreoffice-impress-nogui python3-uno \
      fonts-liberation2 fonts-crosextra-carlito fonts-crosextra-caladea \
      qpdf poppler-utils ca-certificates \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force
COPY server ./server
COPY storage ./storage
COPY viewer ./viewer
COPY --from=assets /src/viewer/public/build ./viewer/public/build

RUN useradd --system --create-home --home-dir /home/pagetrail pagetrail \
 && mkdir -p /data && chown pagetrail:pagetrail /data
USER pagetrail

ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "server/main.ts"]
