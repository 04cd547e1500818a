-- CreateIndex
CREATE INDEX "Item_contentHash_idx" ON "Item"("contentHash");
