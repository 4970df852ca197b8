import { PROFILE_VARIABLE } from "../stage.ts";
import { architectureSuite } from "./support/architecture-suite.ts";

// The full profile at development sizes; the lean default is lean-stage.test.ts.
architectureSuite("dev", { [PROFILE_VARIABLE]: "full" });
