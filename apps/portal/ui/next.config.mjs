/** Next.js UI served from inside the Nest process (see libs/server loadNextUi). */
const config = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Workspace libraries shipped as TypeScript source (libs/web-client).
  transpilePackages: ['@atrium/web-client'],
  typescript: { ignoreBuildErrors: false },
};
export default config;
