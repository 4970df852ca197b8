import { awsConstraintsSuite } from "./support/aws-constraints-suite.ts";

// The default personal stage: lean, no domain.
awsConstraintsSuite("dev");
