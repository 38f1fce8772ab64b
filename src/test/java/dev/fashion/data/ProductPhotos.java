package dev.fashion.data;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Fashion-MNIST test images dressed up as product photos: inverted to dark on white, RGB, scaled up 8x
 * (bilinear), placed off-centre on a larger white canvas. The done-when measurement of predict uses
 * them; {@code main} writes them out for the CLI:
 * {@code java -cp target/test-classes:target/fashion.jar dev.fashion.data.ProductPhotos OUT N}.
 */
public final class ProductPhotos {
    private ProductPhotos() {
    }

    /** Image {@code i} of the dataset as it is stored: 28x28 gray. */
    public static BufferedImage gray(ImageDataset data, int i) {
        BufferedImage img = new BufferedImage(data.cols(), data.rows(), BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, data.cols(), data.rows(), data.image(i));
        return img;
    }

    /** The product-photo version of image {@code i}; {@code rng} picks the canvas size and position. */
    public static BufferedImage photo(ImageDataset data, int i, Random rng) {
        BufferedImage small = new BufferedImage(data.cols(), data.rows(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < data.rows(); y++) {
            for (int x = 0; x < data.cols(); x++) {
                int v = 255 - data.pixel(i, y * data.cols() + x);
                small.setRGB(x, y, new Color(v, v, v).getRGB());
            }
        }
        int side = 8 * data.cols();
        int w = side + 40 + rng.nextInt(200);
        int h = side + 40 + rng.nextInt(200);
        BufferedImage photo = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = photo.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(small, rng.nextInt(w - side + 1), rng.nextInt(h - side + 1), side, 8 * data.rows(), null);
        g.dispose();
        return photo;
    }

    public static void writeJpeg(BufferedImage img, Path file, float quality) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            writeJpeg(img, out, quality);
        }
    }

    public static void writeJpeg(BufferedImage img, OutputStream stream, float quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(stream)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(img, null, null), param);
        } finally {
            writer.dispose();
        }
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        ImageDataset test = FashionMnist.load(FashionMnist.Split.TEST);
        for (String d : new String[]{"png28", "png", "jpg"}) Files.createDirectories(out.resolve(d));
        Random rng = new Random(4);
        for (int i = 0; i < n; i++) {
            String name = String.format("%04d", i);
            ImageIO.write(gray(test, i), "png", out.resolve("png28").resolve(name + ".png").toFile());
            BufferedImage photo = photo(test, i, rng);
            ImageIO.write(photo, "png", out.resolve("png").resolve(name + ".png").toFile());
            writeJpeg(photo, out.resolve("jpg").resolve(name + ".jpg"), 0.85f);
        }
    }
}
