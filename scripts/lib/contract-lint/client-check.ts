// Type-checks a front end's use of the client types that openapi-typescript generates from
// openapi/openapi.json (scripts/contract-lint, under `tsc --strict`): if the contract loses a
// field a front end relies on, or its types become unusable, this fails.
import type { components, paths } from "./generated/cus-api";

type ServicePage = paths["/api/v1/services"]["get"]["responses"]["200"]["content"]["application/json"];
type Service = components["schemas"]["Service"];
type Problem = components["schemas"]["Problem"];
type ServiceInput = components["schemas"]["ServiceInput"];

export const names = (page: ServicePage): string[] => page.items.map((service: Service) => service.name);
export const next = (page: ServicePage): string | null | undefined => page.next_cursor;
export const fieldsAtFault = (problem: Problem): string[] => (problem.errors ?? []).map((error) => error.field);
export const draft = (code: string, name: string): Pick<ServiceInput, "code" | "name"> => ({ code, name });
