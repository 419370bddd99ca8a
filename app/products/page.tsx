import { permanentRedirect } from "next/navigation";

/** Product pages live under /products/<slug>; the list of them is the home page. */
export default function ProductsIndex(): never {
  permanentRedirect("/");
}
