import { awsConstraintsSuite } from "./support/aws-constraints-suite.ts";

awsConstraintsSuite("production");
