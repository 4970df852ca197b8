import { architectureSuite } from "./support/architecture-suite.ts";

architectureSuite("dev");
