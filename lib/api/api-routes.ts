import type { ApiRoute } from "./api-route";
import { auditLogRoutes } from "./routes/audit-logs";
import { hardwareOathDeviceRoutes } from "./routes/hardware-oath-devices";
import { userAuthenticationMethodRoutes } from "./routes/user-authentication-methods";

/** Every operation of the automation API; the dispatcher and the OpenAPI document both read this list. */
export const API_ROUTES: ApiRoute[] = [...hardwareOathDeviceRoutes, ...userAuthenticationMethodRoutes, ...auditLogRoutes];
