-- AlterTable
ALTER TABLE "TokenImport" ADD COLUMN     "acceptExpired" BOOLEAN NOT NULL DEFAULT false;

