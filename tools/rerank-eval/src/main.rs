//! Sentence embeddings with all-MiniLM-L6-v2 (candle), for measuring an embedding reranker
//! against the lexical engine. `rerank-eval MODEL_DIR TEXTS.json [BATCH]` prints the
//! normalized mean-pooled embedding of each text as JSON; `rerank-eval MODEL_DIR distill`
//! writes static per-token vectors (each vocabulary entry run through the model alone).
use anyhow::{Result, anyhow};
use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use std::time::Instant;
use tokenizers::{PaddingParams, Tokenizer, TruncationParams};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::Path::new(&args[1]);
    if args[2] == "distill" { return distill(dir); }
    let input = std::fs::read_to_string(&args[2])?;
    let texts: Vec<String> = serde_json::from_str(&input)?;
    let batch: usize = args.get(3).map(|s| s.parse().unwrap()).unwrap_or(16);
    let t0 = Instant::now();
    let config: Config = serde_json::from_str(&std::fs::read_to_string(dir.join("config.json"))?)?;
    let mut tok = Tokenizer::from_file(dir.join("tokenizer.json")).map_err(|e| anyhow!("{e}"))?;
    tok.with_padding(Some(PaddingParams { strategy: tokenizers::PaddingStrategy::BatchLongest, ..Default::default() }));
    tok.with_truncation(Some(TruncationParams { max_length: 256, ..Default::default() })).map_err(|e| anyhow!("{e}"))?;
    let device = Device::Cpu;
    let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[dir.join("model.safetensors")], DType::F32, &device)? };
    let model = BertModel::load(vb, &config)?;
    eprintln!("load {:?}", t0.elapsed());
    let t1 = Instant::now();
    let mut out: Vec<Vec<f32>> = Vec::new();
    let mut ntok = 0;
    for chunk in texts.chunks(batch) {
        let enc = tok.encode_batch(chunk.to_vec(), true).map_err(|e| anyhow!("{e}"))?;
        let ids: Vec<Vec<u32>> = enc.iter().map(|e| e.get_ids().to_vec()).collect();
        let mask: Vec<Vec<u32>> = enc.iter().map(|e| e.get_attention_mask().to_vec()).collect();
        ntok += mask.iter().map(|m| m.iter().sum::<u32>() as usize).sum::<usize>();
        let ids = Tensor::new(ids, &device)?;
        let mask = Tensor::new(mask, &device)?;
        let types = ids.zeros_like()?;
        let h = model.forward(&ids, &types, Some(&mask))?;
        let m = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
        let sum = h.broadcast_mul(&m)?.sum(1)?;
        let cnt = m.sum(1)?;
        let mean = sum.broadcast_div(&cnt)?;
        let norm = mean.sqr()?.sum_keepdim(1)?.sqrt()?;
        let e = mean.broadcast_div(&norm)?;
        out.extend(e.to_vec2::<f32>()?);
    }
    eprintln!("embed {} texts {} tokens in {:?}", texts.len(), ntok, t1.elapsed());
    println!("{}", serde_json::to_string(&out)?);
    Ok(())
}

fn distill(dir: &std::path::Path) -> Result<()> {
    let config: Config = serde_json::from_str(&std::fs::read_to_string(dir.join("config.json"))?)?;
    let device = Device::Cpu;
    let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[dir.join("model.safetensors")], DType::F32, &device)? };
    let model = BertModel::load(vb, &config)?;
    let n = config.vocab_size as u32;
    let t = Instant::now();
    let mut all_mean: Vec<f32> = Vec::new();
    let mut all_mid: Vec<f32> = Vec::new();
    let ids: Vec<u32> = (0..n).collect();
    for chunk in ids.chunks(512) {
        let rows: Vec<Vec<u32>> = chunk.iter().map(|&i| vec![101, i, 102]).collect();
        let x = Tensor::new(rows, &device)?;
        let h = model.forward(&x, &x.zeros_like()?, None)?; // b,3,384
        let mean = h.mean(1)?;
        let mid = h.narrow(1, 1, 1)?.squeeze(1)?;
        all_mean.extend(mean.flatten_all()?.to_vec1::<f32>()?);
        all_mid.extend(mid.flatten_all()?.to_vec1::<f32>()?);
    }
    eprintln!("distilled {} in {:?}", n, t.elapsed());
    let w = |p: &str, v: &[f32]| std::fs::write(p, v.iter().flat_map(|f| f.to_le_bytes()).collect::<Vec<u8>>());
    w("static_mean.f32", &all_mean)?;
    w("static_mid.f32", &all_mid)?;
    Ok(())
}
