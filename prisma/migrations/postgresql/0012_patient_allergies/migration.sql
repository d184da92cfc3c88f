-- Allergies on the patient: whether they were asked about, and what they are. Existing patients: not recorded.
ALTER TABLE "Patient" ADD COLUMN     "allergyStatus" TEXT NOT NULL DEFAULT 'NOT_RECORDED',
ADD COLUMN     "allergies" TEXT NOT NULL DEFAULT '';
