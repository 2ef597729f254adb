package dev.h3servlet.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Measured values by section, row and column; printed as tables with a ratio column, and written as JSON. */
final class Results {

	private final Map<String, Object> info = new LinkedHashMap<>();

	private final List<Section> sections = new ArrayList<>();

	void info(String key, Object value) {
		this.info.put(key, value);
	}

	Section section(String title, List<String> columns, String ratioNumerator, String ratioDenominator) {
		Section section = new Section(title, columns, ratioNumerator, ratioDenominator);
		this.sections.add(section);
		return section;
	}

	/** Samples of one measurement (one per repeat). */
	record Stats(double[] samples) {

		static Stats of(List<Double> values) {
			return new Stats(values.stream().mapToDouble(Double::doubleValue).filter((v) -> !Double.isNaN(v)).toArray());
		}

		double median() {
			double[] sorted = this.samples.clone();
			Arrays.sort(sorted);
			int n = sorted.length;
			return (n == 0) ? Double.NaN : (n % 2 == 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
		}

		double min() {
			return Arrays.stream(this.samples).min().orElse(Double.NaN);
		}

		double max() {
			return Arrays.stream(this.samples).max().orElse(Double.NaN);
		}

	}

	/** A row: what is measured, its unit, whether higher is better, an optional target for the ratio. */
	static final class Row {

		final String label;

		final String unit;

		final boolean higherIsBetter;

		final Double target;

		final Map<String, Stats> values = new LinkedHashMap<>();

		Row(String label, String unit, boolean higherIsBetter, Double target) {
			this.label = label;
			this.unit = unit;
			this.higherIsBetter = higherIsBetter;
			this.target = target;
		}

		Row put(String column, Stats stats) {
			this.values.put(column, stats);
			return this;
		}

		Row put(String column, double value) {
			return put(column, new Stats(new double[] { value }));
		}

	}

	static final class Section {

		final String title;

		final List<String> columns;

		final String ratioNumerator;

		final String ratioDenominator;

		final List<Row> rows = new ArrayList<>();

		final List<String> notes = new ArrayList<>();

		Section(String title, List<String> columns, String ratioNumerator, String ratioDenominator) {
			this.title = title;
			this.columns = columns;
			this.ratioNumerator = ratioNumerator;
			this.ratioDenominator = ratioDenominator;
		}

		Row row(String label, String unit, boolean higherIsBetter, Double target) {
			Row row = new Row(label, unit, higherIsBetter, target);
			this.rows.add(row);
			return row;
		}

		Double ratio(Row row) {
			if (this.ratioNumerator == null) {
				return null;
			}
			Stats numerator = row.values.get(this.ratioNumerator);
			Stats denominator = row.values.get(this.ratioDenominator);
			return (numerator == null || denominator == null) ? null : numerator.median() / denominator.median();
		}

		String ratioLabel() {
			return this.ratioNumerator + "÷" + this.ratioDenominator;
		}

	}

	String table() {
		StringBuilder out = new StringBuilder();
		this.info.forEach((key, value) -> out.append(key).append(": ").append(value).append('\n'));
		for (Section section : this.sections) {
			out.append('\n').append("== ").append(section.title).append(" ==\n");
			out.append(String.format(Locale.ROOT, "%-46s", ""));
			for (String column : section.columns) {
				out.append(String.format(Locale.ROOT, "%16s", column));
			}
			if (section.ratioNumerator != null) {
				out.append(String.format(Locale.ROOT, "%14s  %s", "*" + section.ratioLabel() + "*", "target"));
			}
			out.append('\n');
			for (Row row : section.rows) {
				out.append(String.format(Locale.ROOT, "%-46s", row.label + " (" + row.unit + ")"));
				for (String column : section.columns) {
					Stats stats = row.values.get(column);
					out.append(String.format(Locale.ROOT, "%16s", (stats != null) ? format(stats.median()) : "-"));
				}
				Double ratio = section.ratio(row);
				if (ratio != null) {
					out.append(String.format(Locale.ROOT, "%14s", "*" + String.format(Locale.ROOT, "%.2f", ratio) + "*"));
					if (row.target != null) {
						boolean met = row.higherIsBetter ? ratio >= row.target : ratio <= row.target;
						out.append(String.format(Locale.ROOT, "  %s %.2f %s", row.higherIsBetter ? ">=" : "<=",
								row.target, met ? "met" : "MISSED"));
					}
				}
				out.append('\n');
			}
			section.notes.forEach((note) -> out.append("  ").append(note).append('\n'));
		}
		return out.toString();
	}

	private static String format(double value) {
		if (Double.isNaN(value)) {
			return "-";
		}
		if (Math.abs(value) >= 100) {
			return String.format(Locale.ROOT, "%,.0f", value);
		}
		return String.format(Locale.ROOT, "%.2f", value);
	}

	void writeJson(Path file) throws IOException {
		StringBuilder json = new StringBuilder("{\n  \"info\": {");
		String separator = "\n";
		for (Map.Entry<String, Object> entry : this.info.entrySet()) {
			json.append(separator).append("    ").append(quote(entry.getKey())).append(": ").append(value(entry.getValue()));
			separator = ",\n";
		}
		json.append("\n  },\n  \"sections\": [");
		separator = "\n";
		for (Section section : this.sections) {
			json.append(separator).append("    {\"title\": ").append(quote(section.title));
			if (section.ratioNumerator != null) {
				json.append(", \"ratio\": ").append(quote(section.ratioLabel()));
			}
			json.append(", \"notes\": [");
			for (int i = 0; i < section.notes.size(); i++) {
				json.append((i > 0) ? ", " : "").append(quote(section.notes.get(i)));
			}
			json.append("], \"rows\": [");
			String rowSeparator = "\n";
			for (Row row : section.rows) {
				json.append(rowSeparator).append("      {\"label\": ").append(quote(row.label)).append(", \"unit\": ")
					.append(quote(row.unit)).append(", \"higherIsBetter\": ").append(row.higherIsBetter);
				Double ratio = section.ratio(row);
				if (ratio != null) {
					json.append(", \"ratio\": ").append(number(ratio));
				}
				if (row.target != null) {
					json.append(", \"target\": ").append(number(row.target));
				}
				json.append(", \"values\": {");
				String valueSeparator = "";
				for (Map.Entry<String, Stats> entry : row.values.entrySet()) {
					Stats stats = entry.getValue();
					json.append(valueSeparator).append(quote(entry.getKey())).append(": {\"median\": ")
						.append(number(stats.median())).append(", \"min\": ").append(number(stats.min()))
						.append(", \"max\": ").append(number(stats.max())).append(", \"samples\": [");
					for (int i = 0; i < stats.samples().length; i++) {
						json.append((i > 0) ? ", " : "").append(number(stats.samples()[i]));
					}
					json.append("]}");
					valueSeparator = ", ";
				}
				json.append("}}");
				rowSeparator = ",\n";
			}
			json.append("\n    ]}");
			separator = ",\n";
		}
		json.append("\n  ]\n}\n");
		Files.createDirectories(file.toAbsolutePath().getParent());
		Files.writeString(file, json, StandardCharsets.UTF_8);
	}

	private static String value(Object value) {
		return (value instanceof Number number) ? number(number.doubleValue()) : quote(String.valueOf(value));
	}

	private static String number(double value) {
		return (Double.isNaN(value) || Double.isInfinite(value)) ? "null" : String.format(Locale.ROOT, "%.4f", value);
	}

	private static String quote(String text) {
		StringBuilder quoted = new StringBuilder("\"");
		for (char c : text.toCharArray()) {
			switch (c) {
				case '"' -> quoted.append("\\\"");
				case '\\' -> quoted.append("\\\\");
				case '\n' -> quoted.append("\\n");
				default -> {
					if (c < 0x20) {
						quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
					}
					else {
						quoted.append(c);
					}
				}
			}
		}
		return quoted.append('"').toString();
	}

}
