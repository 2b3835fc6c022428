-- AlterTable
ALTER TABLE "PendingSignIn" ADD COLUMN     "authMethods" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "requiredStrengths" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "UserSession" ADD COLUMN     "authMethods" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "SignInPolicyResult" ADD COLUMN     "authenticationStrength" TEXT;

-- AlterTable
ALTER TABLE "ConditionalAccessPolicy" ADD COLUMN     "authenticationStrength" TEXT;

