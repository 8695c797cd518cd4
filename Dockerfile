# syntax=docker/dockerfile:1
# Multi-stage: build with the full toolchain (better-sqlite3 compiles natively), run on slim as non-root.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json comet.ini db.sql ./
RUN mkdir -p /etc/comet-server /var/lib/tscomet && cp comet.ini /etc/comet-server/comet.ini \
    && chown -R node:node /var/lib/tscomet
USER node
WORKDIR /var/lib/tscomet
EXPOSE 8087 3300
VOLUME ["/var/lib/tscomet"]
# Mount your own config over /etc/comet-server/comet.ini.
ENTRYPOINT ["node", "/app/dist/server.js"]
CMD ["-c", "/etc/comet-server/comet.ini"]
