/**
 * `npm run demo`: the DFS experiment on built-in synthetic street scenes.
 * Until the pipelines land (issue "Pipelines"), it prints what it will do.
 */
console.log(`segaware demo — dehazing for segmentation (DFS) on synthetic data

When the pipeline issue lands, this command will, on 2 CPU cores in under 10 minutes:
  1. generate foggy / clear synthetic street scenes with Cityscapes labels,
  2. train a segmenter on clear images,
  3. train a dehazer without and with the segmentation loss L_seg (same seed, same steps),
  4. print the DFS poster's table — Hazy / Dehaze / DFS / GT(clear): PSNR, SSIM, PA, mIoU, FWIoU —
     and the path of an HTML report.
Nothing to do yet.`);
