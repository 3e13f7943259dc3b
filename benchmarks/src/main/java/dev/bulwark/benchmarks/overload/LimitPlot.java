package dev.bulwark.benchmarks.overload;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Draws each row's concurrency limit over its run as a line chart, with java.awt alone, into a PNG. */
final class LimitPlot {
    private static final int WIDTH = 1200;
    private static final int HEIGHT = 520;
    private static final int LEFT = 60;
    private static final int RIGHT = 330;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b), new Color(0x7f7f7f)};

    private LimitPlot() {
    }

    /**
     * @param series      per row, points of (seconds since the row started, limit)
     * @param phases      seconds since a row started at which each load began, with its label
     * @param workers     the downstream's workers: the concurrency it serves without queueing
     */
    static void write(Path file, String title, Map<String, List<double[]>> series, List<Map.Entry<Double, String>> phases,
                      int workers) throws IOException {
        double maxX = 1;
        double maxY = workers * 2.0;
        for (List<double[]> points : series.values()) {
            for (double[] point : points) {
                maxX = Math.max(maxX, point[0]);
                maxY = Math.max(maxY, point[1]);
            }
        }
        maxY = Math.ceil(maxY * 1.1 / 10) * 10;
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.BLACK);
        g.drawString(title, LEFT, 20);
        g.drawRect(LEFT, TOP, plotWidth, plotHeight);
        for (int i = 0; i <= 5; i++) {
            double value = maxY * i / 5;
            int y = TOP + plotHeight - (int) (plotHeight * i / 5.0);
            g.setColor(new Color(0xdddddd));
            g.drawLine(LEFT + 1, y, LEFT + plotWidth - 1, y);
            g.setColor(Color.BLACK);
            g.drawString(String.valueOf((int) value), LEFT - 35, y + 4);
        }
        g.drawString("seconds", LEFT + plotWidth / 2 - 20, HEIGHT - 12);
        g.drawString("limit", 10, TOP - 8);
        for (Map.Entry<Double, String> phase : phases) {
            int x = LEFT + (int) (plotWidth * phase.getKey() / maxX);
            g.setColor(new Color(0xaaaaaa));
            g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[]{4, 4}, 0));
            g.drawLine(x, TOP, x, TOP + plotHeight);
            g.setColor(Color.BLACK);
            g.drawString(phase.getValue(), x + 4, TOP + 14);
            g.drawString(String.format("%.0f", phase.getKey()), x - 4, TOP + plotHeight + 16);
        }
        int workersY = TOP + plotHeight - (int) (plotHeight * workers / maxY);
        g.setColor(Color.GRAY);
        g.drawLine(LEFT, workersY, LEFT + plotWidth, workersY);
        g.drawString("downstream workers", LEFT + plotWidth + 8, workersY + 4);
        int index = 0;
        for (Map.Entry<String, List<double[]>> row : series.entrySet()) {
            Color color = COLORS[index % COLORS.length];
            g.setColor(color);
            g.setStroke(new BasicStroke(2));
            int previousX = -1;
            int previousY = -1;
            for (double[] point : row.getValue()) {
                int x = LEFT + (int) (plotWidth * point[0] / maxX);
                int y = TOP + plotHeight - (int) (plotHeight * point[1] / maxY);
                if (previousX >= 0) {
                    g.drawLine(previousX, previousY, x, y);
                }
                previousX = x;
                previousY = y;
            }
            g.fillRect(LEFT + plotWidth + 8, TOP + 30 + index * 18, 12, 4);
            g.setColor(Color.BLACK);
            g.drawString(row.getKey(), LEFT + plotWidth + 24, TOP + 36 + index * 18);
            index++;
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }
}
