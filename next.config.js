/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and Node-only packages stay outside the server bundle.
  serverExternalPackages: ["@node-rs/argon2", "pg", "@prisma/adapter-pg"],
  allowedDevOrigins: ["127.0.0.1"],
  poweredByHeader: false,
  // forbidden(): a signed-in customer who opens a back-office page gets a 403.
  experimental: { authInterrupts: true },
  // Lets two builds of one checkout coexist (e.g. parallel test runs on one machine).
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  // next/image optimises only these local paths, and only without a query string:
  // seed pictures under public/images and uploads served by app/media.
  images: {
    localPatterns: [
      { pathname: "/images/**", search: "" },
      { pathname: "/media/**", search: "" },
    ],
    formats: ["image/avif", "image/webp"],
  },
};

export default nextConfig;
