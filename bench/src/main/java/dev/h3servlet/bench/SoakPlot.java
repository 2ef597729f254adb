package dev.h3servlet.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

/**
 * A PNG of time series in small panels (three a row), each with its own y axis, drawn with {@code java.awt} in
 * headless mode: for {@link SoakMixed}, the server's heap after GC, RSS, file descriptors and threads, and requests
 * per second and p99 latency by protocol. Every y axis starts at zero (the values plotted are never negative), so
 * that a flat series reads flat; a dashed line marks the end of the warm-up, shaded {@link Band}s the samples a
 * verdict compares; {@code NaN} values leave gaps.
 */
final class SoakPlot {

	private static final int PANEL_WIDTH = 460;

	private static final int PANEL_HEIGHT = 250;

	private static final int COLUMNS = 3;

	private static final int HEADER = 44;

	private static final Color[] COLORS = { new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
			new Color(0xff7f0e), new Color(0x9467bd) };

	private SoakPlot() {
	}

	/** One line of a panel. */
	record Line(String name, double[] values) {

	}

	/** One panel: a title (with the unit), a subtitle (e.g. the flatness verdict, may be empty), its lines. */
	record Panel(String title, String subtitle, List<Line> lines) {

	}

	/** A shaded stretch of the time axis, e.g. the samples a verdict compares. */
	record Band(double from, double to, String label) {

	}

	/**
	 * Draws the panels over the common time axis {@code seconds} and writes the PNG.
	 * @param warmupSeconds where the warm-up ends, marked with a dashed line (0 for none)
	 * @param bands stretches of time shaded in every panel
	 */
	static void write(Path file, String title, double[] seconds, double warmupSeconds, List<Band> bands,
			List<Panel> panels) throws IOException {
		if (System.getProperty("java.awt.headless") == null) {
			System.setProperty("java.awt.headless", "true");
		}
		int rows = (panels.size() + COLUMNS - 1) / COLUMNS;
		BufferedImage image = new BufferedImage(COLUMNS * PANEL_WIDTH, HEADER + rows * PANEL_HEIGHT,
				BufferedImage.TYPE_INT_RGB);
		Graphics2D g = image.createGraphics();
		try {
			g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
			g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
			g.setColor(Color.WHITE);
			g.fillRect(0, 0, image.getWidth(), image.getHeight());
			g.setColor(Color.BLACK);
			g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
			g.drawString(title, 12, 26);
			for (int i = 0; i < panels.size(); i++) {
				drawPanel(g, panels.get(i), seconds, warmupSeconds, bands, (i % COLUMNS) * PANEL_WIDTH,
						HEADER + (i / COLUMNS) * PANEL_HEIGHT);
			}
		}
		finally {
			g.dispose();
		}
		Path parent = file.toAbsolutePath().getParent();
		if (parent != null) {
			Files.createDirectories(parent);
		}
		if (!ImageIO.write(image, "png", file.toFile())) {
			throw new IOException("No PNG writer in this JDK");
		}
	}

	private static void drawPanel(Graphics2D g, Panel panel, double[] seconds, double warmupSeconds, List<Band> bands,
			int x0, int y0) {
		int left = x0 + 62;
		int right = x0 + PANEL_WIDTH - 16;
		int top = y0 + 40;
		int bottom = y0 + PANEL_HEIGHT - 34;
		g.setColor(Color.BLACK);
		g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
		g.drawString(panel.title(), x0 + 12, y0 + 16);
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
		g.drawString(panel.subtitle(), x0 + 12, y0 + 31);
		FontMetrics metrics = g.getFontMetrics();
		double minX = (seconds.length > 0) ? seconds[0] : 0;
		double maxX = (seconds.length > 0) ? seconds[seconds.length - 1] : 1;
		if (maxX <= minX) {
			maxX = minX + 1;
		}
		// The y axis starts at zero (for values that cannot be negative), so that a flat series reads flat.
		double maxY = 0;
		for (Line line : panel.lines()) {
			for (double value : line.values()) {
				if (!Double.isNaN(value) && !Double.isInfinite(value)) {
					maxY = Math.max(maxY, value);
				}
			}
		}
		double stepY = niceStep(maxY * 1.1, 4);
		maxY = stepY * Math.max(1, Math.ceil(maxY * 1.1 / stepY));
		double spanX = maxX - minX;
		double stepX = niceStep((spanX >= 300) ? spanX / 60 : spanX, 6) * ((spanX >= 300) ? 60 : 1);
		g.setColor(new Color(0xf6f6f6));
		g.fillRect(left, top, right - left, bottom - top);
		for (Band band : bands) {
			int from = xOf(band.from(), minX, maxX, left, right);
			int to = xOf(band.to(), minX, maxX, left, right);
			g.setColor(new Color(0xe3ecf7));
			g.fillRect(from, top, Math.max(1, to - from), bottom - top);
			g.setColor(new Color(0x7a8ca3));
			g.drawString(band.label(), from + 3, bottom - 4);
		}
		for (double value = 0; value <= maxY + stepY / 2; value += stepY) {
			int y = bottom - (int) Math.round((bottom - top) * value / maxY);
			g.setColor(new Color(0xdddddd));
			g.drawLine(left, y, right, y);
			g.setColor(Color.DARK_GRAY);
			String label = number(value);
			g.drawString(label, left - 6 - metrics.stringWidth(label), y + 4);
		}
		boolean minutes = spanX >= 300;
		for (double value = Math.ceil(minX / stepX) * stepX; value <= maxX + stepX / 1000; value += stepX) {
			int x = xOf(value, minX, maxX, left, right);
			g.setColor(new Color(0xdddddd));
			g.drawLine(x, top, x, bottom);
			g.setColor(Color.DARK_GRAY);
			String label = number(minutes ? value / 60 : value);
			g.drawString(label, x - metrics.stringWidth(label) / 2, bottom + 14);
		}
		String unit = minutes ? "minutes" : "seconds";
		g.drawString(unit, right - metrics.stringWidth(unit), bottom + 28);
		if (warmupSeconds > minX && warmupSeconds < maxX) {
			int x = xOf(warmupSeconds, minX, maxX, left, right);
			Stroke stroke = g.getStroke();
			g.setColor(Color.GRAY);
			g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] { 4, 4 }, 0));
			g.drawLine(x, top, x, bottom);
			g.setStroke(stroke);
			g.drawString("warm-up", Math.max(left + 2, x - metrics.stringWidth("warm-up") - 3), top + 12);
		}
		g.setColor(Color.GRAY);
		g.drawRect(left, top, right - left, bottom - top);
		Stroke stroke = g.getStroke();
		g.setStroke(new BasicStroke(1.8f));
		for (int l = 0; l < panel.lines().size(); l++) {
			Line line = panel.lines().get(l);
			g.setColor(COLORS[l % COLORS.length]);
			Path2D path = new Path2D.Double();
			boolean drawing = false;
			for (int i = 0; i < Math.min(seconds.length, line.values().length); i++) {
				double value = line.values()[i];
				if (Double.isNaN(value) || Double.isInfinite(value)) {
					drawing = false;
					continue;
				}
				double x = left + (right - left) * (seconds[i] - minX) / (maxX - minX);
				double y = bottom - (bottom - top) * value / maxY;
				if (drawing) {
					path.lineTo(x, y);
				}
				else {
					path.moveTo(x, y);
					drawing = true;
				}
			}
			g.draw(path);
		}
		g.setStroke(stroke);
		if (panel.lines().size() > 1) {
			int width = 0;
			for (Line line : panel.lines()) {
				width += metrics.stringWidth(line.name()) + 24;
			}
			int x = right - width - 4;
			g.setColor(new Color(255, 255, 255, 220));
			g.fillRect(x - 4, top + 3, width + 4, 16);
			for (int l = 0; l < panel.lines().size(); l++) {
				Line line = panel.lines().get(l);
				g.setColor(COLORS[l % COLORS.length]);
				g.fillRect(x, top + 10, 14, 3);
				g.setColor(Color.DARK_GRAY);
				g.drawString(line.name(), x + 17, top + 15);
				x += metrics.stringWidth(line.name()) + 24;
			}
		}
	}

	private static int xOf(double value, double minX, double maxX, int left, int right) {
		return left + (int) Math.round((right - left) * (value - minX) / (maxX - minX));
	}

	/** A step of 1, 2 or 5 times a power of ten that cuts {@code span} into about {@code parts} parts. */
	private static double niceStep(double span, int parts) {
		if (!(span > 0)) {
			return 1;
		}
		double raw = span / parts;
		double power = Math.pow(10, Math.floor(Math.log10(raw)));
		double fraction = raw / power;
		return ((fraction <= 1) ? 1 : (fraction <= 2) ? 2 : (fraction <= 5) ? 5 : 10) * power;
	}

	private static String number(double value) {
		double magnitude = Math.abs(value);
		if (magnitude >= 10_000) {
			return String.format(Locale.ROOT, "%,.0f", value);
		}
		if (magnitude >= 100 || value == Math.rint(value)) {
			return String.format(Locale.ROOT, "%.0f", value);
		}
		return String.format(Locale.ROOT, (magnitude >= 10) ? "%.1f" : "%.2f", value);
	}

}
