/** Next.js UI served from inside the Nest process (see libs/server loadNextUi). */
const config = {
  reactStrictMode: true,
  poweredByHeader: false,
  typescript: { ignoreBuildErrors: false },
};
export default config;
