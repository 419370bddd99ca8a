"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { adminAction } from "@/app/_lib/admin";
import { getServices } from "@/lib/composition/root";
import { adjustForm, thresholdForm } from "./stock-form";

const productPage = (raw: Record<string, string>) =>
  z.uuid().safeParse(raw.variantId).success ? `/admin/stock/${raw.variantId}` : "/admin/stock";

/** Adds or removes units with a reason; the use case validates again and checks the stock under a lock. */
export const adjustStockAction = adminAction(
  adjustForm,
  async (input, { admin }) => {
    const { stock } = await getServices().admin.stock.adjust(admin, input);
    revalidatePath(`/admin/stock/${input.variantId}`);
    revalidatePath("/admin/stock");
    return { ok: true, message: `Saved. Stock is now ${stock}.` };
  },
  { returnTo: productPage },
);

export const setThresholdAction = adminAction(
  thresholdForm,
  async (input, { admin }) => {
    await getServices().admin.stock.setThreshold(admin, input.variantId, input.threshold);
    revalidatePath(`/admin/stock/${input.variantId}`);
    revalidatePath("/admin/stock");
    return { ok: true, message: "Threshold saved." };
  },
  { returnTo: productPage },
);
