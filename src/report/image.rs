//! Pictures: PNG files decoded to raw pixels for the PDF.
//!
//! The `png` crate does the decoding; printpdf then writes the pixels as a Flate-compressed
//! image with a soft mask for transparency. This avoids printpdf's `images` feature and the
//! `image` crate's many codecs, when all a report needs is PNG cue cards and logos.

use printpdf::{RawImage, RawImageData, RawImageFormat};
use std::io::Cursor;

/// A decoded picture.
#[derive(Debug, Clone)]
pub struct Picture {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The pixels, ready for printpdf.
    pub raw: RawImage,
}

/// Decodes a PNG file; the error says why it could not be read.
pub fn decode_png(bytes: &[u8]) -> Result<Picture, String> {
    // Cue cards are a few hundred pixels wide; 64 MiB is the decoder's own default ceiling.
    let mut decoder = png::Decoder::new_with_limits(Cursor::new(bytes), png::Limits { bytes: 64 << 20 });
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let size = reader.output_buffer_size().ok_or("the picture is too large")?;
    let mut buf = vec![0; size];
    let info = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
    buf.truncate(info.buffer_size());
    let format = match info.color_type {
        png::ColorType::Grayscale => RawImageFormat::R8,
        png::ColorType::GrayscaleAlpha => RawImageFormat::RG8,
        png::ColorType::Rgb => RawImageFormat::RGB8,
        png::ColorType::Rgba => RawImageFormat::RGBA8,
        png::ColorType::Indexed => return Err("palette PNG was not expanded".into()),
    };
    // An alpha channel that is fully opaque everywhere is dropped: no soft mask needed.
    let (pixels, format) = match format {
        RawImageFormat::RGBA8 if buf.chunks_exact(4).all(|p| p[3] == 255) => {
            (buf.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect(), RawImageFormat::RGB8)
        }
        _ => (buf, format),
    };
    let raw = RawImage {
        pixels: RawImageData::U8(pixels),
        width: info.width as usize,
        height: info.height as usize,
        data_format: format,
        tag: Vec::new(),
    };
    Ok(Picture { width: info.width, height: info.height, raw })
}
