# syntax=docker/dockerfile:1
# One image for every Atrium process: `atrium portal serve`, `atrium instance serve`,
# `atrium worker`, the migrations and the admin commands. Build: docker build -t atrium/atrium:0.1.0 .

# --- build: install everything, compile the workspace (swc) and the Next.js UIs, drop dev deps ---
FROM node:20.20-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 \
    SCARF_ANALYTICS=false \
    NPM_CONFIG_UPDATE_NOTIFIER=false
# npm 11 runs only the install scripts that package.json's allowScripts approves.
RUN npm install --global npm@11.19.1
COPY . .
# `npm install` (not `npm ci`: the lockfile omits other platforms' binaries) runs `prepare`,
# which builds dist/ and the UIs.
RUN npm install --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/.cache apps/*/ui/.next/cache

# --- runtime: Node, Debian's ffmpeg; sharp brings its own libvips (glibc) ---
FROM node:20.20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    LOG_FORMAT=json \
    MALLOC_ARENA_MAX=2
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg tini ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build --chown=root:root /app /app
RUN ln -s /app/apps/cli/bin/atrium.js /usr/local/bin/atrium \
 && chmod 0755 /app/apps/cli/bin/atrium.js
# The node image's unprivileged user (uid 1000), as the Helm chart's securityContext expects.
USER 1000:1000
# portal and instances: HTTP 8080 (PORT) and metrics (METRICS_PORT); workers: WORKER_PORT 8090.
EXPOSE 8080 8090 9464
ENTRYPOINT ["/usr/bin/tini", "--", "atrium"]
CMD ["--help"]
