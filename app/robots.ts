import type { MetadataRoute } from "next";
import { getServices } from "@/lib/composition/root";

// APP_URL is read at run time, so one build serves any host.
export const dynamic = "force-dynamic";

export default function robots(): MetadataRoute.Robots {
  const appUrl = getServices().env.APP_URL;
  return {
    rules: [
      {
        userAgent: "*",
        allow: "/",
        // Personal pages and the API are of no use in search results.
        disallow: ["/api/", "/cart", "/orders", "/account", "/signin", "/register"],
      },
    ],
    sitemap: new URL("/sitemap.xml", appUrl).href,
  };
}
