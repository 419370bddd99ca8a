# syntax=docker/dockerfile:1
# One image for every Node process of the app: the Next.js web server (`npm run start:web`),
# the worker (`npm run worker`), migrations (`npm run db:migrate`), the Kafka topic
# initialiser (scripts/kafka/ensure-topics.ts) and the dev SMTP sink
# (scripts/smtp-sink/server.ts). The last four run TypeScript through tsx, a
# devDependency, so the runtime image keeps the full node_modules.
#
#   docker build -t storefront-app:local .
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- dependencies (cached until package.json / package-lock.json change) ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
COPY package.json package-lock.json ./
# --ignore-scripts: the root `postinstall` (prisma generate) needs the sources, which are
# not copied yet (it runs in the build stage below), and the dependencies' own scripts
# are not needed: Prisma 7's client is Rust-free (no engine download) and esbuild finds
# its platform binary through optionalDependencies. Same as the dev machines, where npm
# skips unapproved install scripts.
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts

# ---- build: Prisma client + Next.js production build ----
FROM deps AS build
COPY . .
# Only the generator runs here; the schema engine binary is never executed by
# `prisma generate`, so any existing file will do (no engine download). The placeholder
# URL is for prisma.config.ts; nothing connects to it.
RUN DATABASE_URL="postgresql://build:build@localhost:5432/build" \
    PRISMA_SCHEMA_ENGINE_BINARY=/bin/true \
    npx prisma generate
RUN NEXT_TELEMETRY_DISABLED=1 npm run build && rm -rf .next/cache

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    npm_config_update_notifier=false
# Next.js writes its cache under .next at run time, so the app user owns /app.
COPY --from=build --chown=node:node /app /app
USER node
# 3000: web; 1025/1080: SMTP sink (SMTP / HTTP API) when the image runs the sink.
EXPOSE 3000 1025 1080
CMD ["npm", "run", "start:web"]
