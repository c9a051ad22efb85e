# syntax=docker/dockerfile:1
# socketpost REST notify service (see infra/README.md).
#   docker build -t socketpost .
#   docker run -p 3000:3000 -e NOTIFY_API_KEYS=... -e TABLE_NAME=... -e AWS_REGION=... socketpost

# ---- build: all dependencies, TypeScript compiled to dist/ ----
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: the compiler needs none, and dev tools (DynamoDB Local, esbuild) would fetch platform extras.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- runtime: production dependencies and the compiled code only ----
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
# Files stay owned by root, so the service cannot change its own code.
USER node
EXPOSE 3000
# slim images have no curl: Node's own fetch probes the liveness route.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/app/server.js"]
