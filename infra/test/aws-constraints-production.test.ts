import { OFFLINE_DOMAIN } from "../offline/sst-runtime.ts";
import { DOMAIN_VARIABLE } from "../stage.ts";
import { awsConstraintsSuite } from "./support/aws-constraints-suite.ts";

awsConstraintsSuite("production", { [DOMAIN_VARIABLE]: OFFLINE_DOMAIN });
