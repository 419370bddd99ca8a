import { ESLint } from "eslint";
import path from "node:path";
import { describe, expect, it } from "vitest";

// Proves the dependency rule in eslint.config.js bites: each import below is
// linted as if it were written in the named file.
const eslint = new ESLint({ cwd: path.resolve(import.meta.dirname, "../..") });

async function restricted(filePath: string, source: string): Promise<boolean> {
  const [result] = await eslint.lintText(source, { filePath });
  return result!.messages.some((m) => m.ruleId === "no-restricted-imports");
}

describe("dependency rule", () => {
  it.each([
    ["lib/domain/x.ts", 'import { PrismaClient } from "@prisma/client";'],
    ["lib/domain/x.ts", 'import { makeCart } from "../application/cart/cart";'],
    ["lib/domain/x.ts", 'import { useState } from "react";'],
    ["lib/application/x.ts", 'import { PrismaUnitOfWork } from "../infrastructure/db/prisma-unit-of-work";'],
    ["lib/application/x.ts", 'import { Kafka } from "kafkajs";'],
    ["lib/application/x.ts", 'import { getServices } from "../composition/root";'],
    ["lib/infrastructure/x.ts", 'import { getServices } from "../composition/root";'],
    ["lib/infrastructure/x.ts", 'import { redirect } from "next/navigation";'],
    ["app/x/page.tsx", 'import { PrismaClient } from "@prisma/client";'],
    ["app/x/page.tsx", 'import { Kafka } from "kafkajs";'],
    ["app/x/page.tsx", 'import { createPrismaClient } from "@/lib/infrastructure/db/prisma-client";'],
    ["components/x.tsx", 'import { PrismaClient } from "../lib/infrastructure/db/generated/client";'],
    ["workers/x.ts", 'import { createKafka } from "../lib/infrastructure/kafka/client";'],
    // A handler takes the use cases it runs, not the whole set of services (nor adapters).
    ["workers/handlers/x.handler.ts", 'import type { Services } from "../../lib/composition/root";'],
    ["workers/handlers/x.handler.ts", 'import { getServices } from "@/lib/composition/root";'],
    ["workers/handlers/x.handler.ts", 'import { createKafka } from "../../lib/infrastructure/kafka/client";'],
    // Components sit below app/: pages pass them actions; shared pieces live in components/ or lib/.
    ["components/x.tsx", 'import { updateProduct } from "@/app/admin/products/actions";'],
    ["components/admin/x.tsx", 'import { runAction } from "../../app/_lib/action";'],
    ["components/x.tsx", 'import { PrismaClient } from "@prisma/client";'],
  ])("refuses in %s: %s", async (file, source) => {
    expect(await restricted(file, source)).toBe(true);
  });

  it.each([
    ["lib/application/x.ts", 'import { AppError } from "../domain/errors";'],
    ["lib/infrastructure/x.ts", 'import type { UnitOfWork } from "../application/shared";'],
    ["app/x/page.tsx", 'import { getServices } from "@/lib/composition/root";'],
    ["workers/x.ts", 'import { createServices } from "../lib/composition/root";'],
    ["workers/handlers/x.handler.ts", 'import type { WorkerServices } from "../../lib/composition/worker-services";'],
    ["components/x.tsx", 'import { initialFormState } from "@/components/form-state";'],
    ["components/x.tsx", 'import type { AdminProductImage } from "@/lib/application/admin/products/model";'],
    ["app/x/page.tsx", 'import { ProductImages } from "@/components/admin/products-images";'],
  ])("allows in %s: %s", async (file, source) => {
    expect(await restricted(file, source)).toBe(false);
  });
});

describe("import cycles (rule local/no-import-cycle)", () => {
  async function cycleReported(filePath: string, source: string): Promise<string | null> {
    const [result] = await eslint.lintText(source, { filePath });
    return result!.messages.find((m) => m.ruleId === "local/no-import-cycle")?.message ?? null;
  }

  it("reports an import that leads back to the importing module, a type-only one too", async () => {
    // lib/composition/admin.ts imports ./admin/users; users importing admin.ts back closes a cycle.
    expect(await cycleReported("lib/composition/admin/users.ts", 'import type { AdminDeps } from "../admin";\nexport const x = 1;\n')).toMatch(
      /^Import cycle: lib\/composition\/admin\/users\.ts → lib\/composition\/admin\.ts → lib\/composition\/admin\/users\.ts$/,
    );
  });

  it("leaves imports that do not come back alone", async () => {
    expect(await cycleReported("lib/composition/admin/users.ts", 'import type { AdminDeps } from "./deps";\nexport const x = 1;\n')).toBeNull();
  });
});
