/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and server-only packages stay out of the bundle.
  serverExternalPackages: ["better-sqlite3", "@node-rs/argon2", "pg"],
  poweredByHeader: false,
  typedRoutes: false,
  devIndicators: false,
  // `npm run dev` serves http://localhost:3000; without this, opening it as 127.0.0.1 gets a page
  // whose scripts never hydrate (Next blocks its dev resources for another host name).
  allowedDevOrigins: ["127.0.0.1"],
};

export default nextConfig;
